using System;
using System.Net;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// The bytes of one link, and nothing else: a link reads and writes only through this (a TCP socket, or an
    /// in-memory pipe pair in tests). One reader and one writer at a time; <see cref="IDisposable.Dispose"/> closes
    /// gracefully (the other end reads end-of-stream) and fails a pending receive on this end.
    /// </summary>
    internal interface ILinkTransport : IDisposable
    {
        /// <summary>The other end of the link as this end sees it; null when unknown.</summary>
        IPEndPoint RemoteEndPoint { get; }

        /// <summary>True when received bytes wait unread (evidence of life even when this end is slow to read).</summary>
        bool HasUnreadData { get; }

        /// <summary>Receives at least one byte into the buffer; 0 when the other end finished sending.</summary>
        Task<int> ReceiveAsync(byte[] buffer, int offset, int count);

        /// <summary>Sends every byte of the range.</summary>
        Task SendAsync(byte[] buffer, int offset, int count);

        /// <summary>No more bytes will be sent: the other end reads end-of-stream after what was sent.</summary>
        void ShutdownSend();

        /// <summary>Kills the link without a goodbye (TCP: a reset); the other end's receive fails.</summary>
        void Abort();
    }
}
