using System;
using System.IO;
using System.Net;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>One end of an in-memory link: reads one <see cref="MemoryPipe"/>, writes the other.</summary>
    internal sealed class MemoryTransport : ILinkTransport
    {
        private readonly MemoryPipe _in;
        private readonly MemoryPipe _out;

        private MemoryTransport(MemoryPipe input, MemoryPipe output, IPEndPoint remote)
        {
            _in = input;
            _out = output;
            RemoteEndPoint = remote;
        }

        /// <summary>Two connected ends: what one sends, the other receives.</summary>
        public static void CreatePair(MemoryNetwork network, IPEndPoint dialler, IPEndPoint acceptor, out MemoryTransport diallerEnd, out MemoryTransport acceptorEnd)
        {
            var up = new MemoryPipe(network);
            var down = new MemoryPipe(network);
            diallerEnd = new MemoryTransport(down, up, acceptor);
            acceptorEnd = new MemoryTransport(up, down, dialler);
        }

        public IPEndPoint RemoteEndPoint { get; }

        public bool HasUnreadData => _in.Buffered > 0;

        public Task<int> ReceiveAsync(byte[] buffer, int offset, int count) => _in.ReadAsync(buffer, offset, count);

        public Task SendAsync(byte[] buffer, int offset, int count) => _out.WriteAsync(buffer, offset, count);

        public void ShutdownSend() => _out.CompleteWriting();

        public void Abort()
        {
            _out.Fault(new IOException("The connection was reset by the peer."));
            _in.Fault(new ObjectDisposedException(nameof(MemoryTransport)));
        }

        /// <summary>As a socket's close: the other end reads end-of-stream, this end's pending receive fails.</summary>
        public void Dispose()
        {
            _out.CompleteWriting();
            _in.Fault(new ObjectDisposedException(nameof(MemoryTransport)));
        }
    }
}
