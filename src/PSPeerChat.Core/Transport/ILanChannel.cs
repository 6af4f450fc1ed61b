using System;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// One address family's share of LAN discovery (protocol.md §10): sends a datagram to the group on every interface and
    /// receives what others send there. <see cref="UdpLanChannel"/> is the real one; tests give their own.
    /// </summary>
    internal interface ILanChannel : IDisposable
    {
        /// <summary>Sends one datagram to the group on each usable interface; returns how many took it (never throws).</summary>
        int Send(byte[] datagram);

        /// <summary>
        /// Copies the next datagram into <paramref name="buffer"/> and completes with its length (larger than the buffer
        /// when it did not fit) and its sender. Fails with ObjectDisposedException or SocketException once disposed.
        /// </summary>
        Task<LanDatagram> ReceiveAsync(byte[] buffer);
    }
}
