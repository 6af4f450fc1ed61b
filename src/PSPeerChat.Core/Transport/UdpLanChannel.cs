using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// LAN discovery over UDP multicast (protocol.md §10.1), one address family: a socket bound to the discovery port on
    /// every address (shared: several nodes of one host all listen), joined to the group on every interface that is up,
    /// multicast-capable and not loopback, sending with TTL (IPv4) or hop limit (IPv6) 1, so nothing leaves the link.
    /// Interfaces that come up later are joined at the next <see cref="Send"/>.
    /// </summary>
    internal sealed class UdpLanChannel : ILanChannel
    {
        private readonly Socket _socket;
        private readonly IPAddress _group;
        private readonly int _port;
        private readonly HashSet<int> _joined = new HashSet<int>();
        private readonly object _gate = new object();

        private UdpLanChannel(Socket socket, IPAddress group, int port)
        {
            _socket = socket;
            _group = group;
            _port = port;
        }

        /// <summary>The channels this host can open (IPv4, IPv6 where supported); empty when neither binds.</summary>
        public static List<ILanChannel> OpenAll(int port, string groupV4, string groupV6)
        {
            var channels = new List<ILanChannel>();
            UdpLanChannel v4 = TryOpen(IPAddress.Parse(groupV4), port);
            if (v4 != null) channels.Add(v4);
            if (Socket.OSSupportsIPv6)
            {
                UdpLanChannel v6 = TryOpen(IPAddress.Parse(groupV6), port);
                if (v6 != null) channels.Add(v6);
            }
            return channels;
        }

        private static UdpLanChannel TryOpen(IPAddress group, int port)
        {
            var socket = new Socket(group.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                bool v6 = group.AddressFamily == AddressFamily.InterNetworkV6;
                socket.Bind(new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, port));
                SocketOptionLevel level = v6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP;
                socket.SetSocketOption(level, SocketOptionName.MulticastTimeToLive, 1);
                socket.SetSocketOption(level, SocketOptionName.MulticastLoopback, true); // other nodes of this host hear us
                var channel = new UdpLanChannel(socket, group, port);
                channel.JoinInterfaces();
                return channel;
            }
            catch (SocketException)
            {
                socket.Dispose();
                return null;
            }
        }

        public int Send(byte[] datagram)
        {
            int sent = 0;
            var target = new IPEndPoint(_group, _port);
            lock (_gate) // Send comes from one loop; the gate only keeps the interface option and the send together
            {
                JoinInterfaces();
                foreach (int index in _joined.ToArray())
                {
                    try
                    {
                        SetSendInterface(index);
                        _socket.SendTo(datagram, target);
                        sent++;
                    }
                    catch (SocketException)
                    {
                        _joined.Remove(index); // gone or down: joined again when it comes back
                    }
                    catch (ObjectDisposedException)
                    {
                        return sent;
                    }
                }
            }
            return sent;
        }

        public async Task<LanDatagram> ReceiveAsync(byte[] buffer)
        {
            EndPoint any = new IPEndPoint(_group.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            try
            {
                SocketReceiveFromResult result = await _socket.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, any).ConfigureAwait(false);
                return new LanDatagram(result.ReceivedBytes, (IPEndPoint)result.RemoteEndPoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
            {
                return new LanDatagram(buffer.Length + 1, null); // larger than any announcement (Windows says so instead of truncating)
            }
        }

        public void Dispose()
        {
            lock (_gate) _socket.Dispose();
        }

        /// <summary>Joins the group on every usable interface not joined yet (called under the gate or before publication).</summary>
        private void JoinInterfaces()
        {
            bool v6 = _group.AddressFamily == AddressFamily.InterNetworkV6;
            NetworkInterface[] interfaces;
            try
            {
                interfaces = NetworkInterface.GetAllNetworkInterfaces();
            }
            catch (NetworkInformationException)
            {
                return;
            }
            foreach (NetworkInterface nic in interfaces)
            {
                int index = UsableIndex(nic, v6);
                if (index < 0 || _joined.Contains(index)) continue;
                try
                {
                    if (v6) _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(_group, index));
                    else _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(_group, index));
                    _joined.Add(index);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    _joined.Add(index); // joined before it went down
                }
                catch (SocketException)
                {
                    // not usable now; tried again at the next send
                }
            }
        }

        /// <summary>The interface's index for this family when it is up, multicast-capable, not loopback and has an address of the family; else -1.</summary>
        private static int UsableIndex(NetworkInterface nic, bool v6)
        {
            try
            {
                if (nic.OperationalStatus != OperationalStatus.Up && nic.OperationalStatus != OperationalStatus.Unknown) return -1;
                if (!nic.SupportsMulticast || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) return -1;
                IPInterfaceProperties properties = nic.GetIPProperties();
                AddressFamily family = v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                if (!properties.UnicastAddresses.Any(a => a.Address.AddressFamily == family)) return -1;
                return v6 ? properties.GetIPv6Properties().Index : properties.GetIPv4Properties().Index;
            }
            catch (Exception ex) when (ex is NetworkInformationException || ex is PlatformNotSupportedException)
            {
                return -1;
            }
        }

        private void SetSendInterface(int index)
        {
            if (_group.AddressFamily == AddressFamily.InterNetworkV6) _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, index);
            else _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(index));
        }
    }
}
