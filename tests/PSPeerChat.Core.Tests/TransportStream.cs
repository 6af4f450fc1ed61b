using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Transport;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A Stream over an engine transport (an in-memory link end), so RawPeer can speak to a node without a socket.
    /// A read that times out leaves its receive pending; the next read takes its bytes (never two receives at once).
    /// </summary>
    internal sealed class TransportStream : Stream
    {
        private readonly ILinkTransport _transport;
        private readonly byte[] _chunk = new byte[64 * 1024];
        private Task<int> _pending;
        private int _chunkStart;
        private int _chunkEnd;

        public TransportStream(ILinkTransport transport)
        {
            _transport = transport;
        }

        public ILinkTransport Transport => _transport;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default)
        {
            if (_chunkStart == _chunkEnd)
            {
                _pending ??= _transport.ReceiveAsync(_chunk, 0, _chunk.Length);
                await _pending.WaitAsync(cancel);
                int n = await _pending;
                _pending = null;
                if (n == 0) return 0;
                _chunkStart = 0;
                _chunkEnd = n;
            }
            int take = Math.Min(buffer.Length, _chunkEnd - _chunkStart);
            _chunk.AsMemory(_chunkStart, take).CopyTo(buffer);
            _chunkStart += take;
            return take;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancel) => ReadAsync(buffer.AsMemory(offset, count), cancel).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel) => _transport.SendAsync(buffer, offset, count);

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _transport.Dispose();
            base.Dispose(disposing);
        }
    }
}
