using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// One direction of an in-memory link: bytes written at one end are read at the other, in order. Bounded like a
    /// TCP window: a writer waits while <see cref="Window"/> bytes are unread. Ends like TCP too: completed writing is
    /// end-of-stream after the buffered bytes; a fault (a reset, or the reader gone) fails both ends at once.
    /// </summary>
    internal sealed class MemoryPipe
    {
        public const int Window = 256 * 1024;

        private readonly object _gate = new object();
        private readonly MemoryNetwork _network;
        private readonly Queue<byte[]> _chunks = new Queue<byte[]>();
        private int _headOffset;
        private int _buffered;
        private bool _writingDone;
        private Exception _readFault;
        private Exception _writeFault;
        private TaskCompletionSource<bool> _readable;
        private TaskCompletionSource<bool> _writable;

        /// <param name="network">Told of every byte buffered and taken (its BytesInFlight).</param>
        public MemoryPipe(MemoryNetwork network)
        {
            _network = network;
        }

        public int Buffered
        {
            get { lock (_gate) return _buffered; }
        }

        public async Task WriteAsync(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                Task wait;
                TaskCompletionSource<bool> wake = null;
                lock (_gate)
                {
                    if (_writeFault != null) throw new IOException("The connection was reset.", _writeFault);
                    if (_writingDone) throw new InvalidOperationException("Sending after the send side was shut down.");
                    if (_buffered < Window)
                    {
                        int n = Math.Min(count, Window - _buffered);
                        var chunk = new byte[n];
                        Buffer.BlockCopy(buffer, offset, chunk, 0, n);
                        _chunks.Enqueue(chunk);
                        _buffered += n;
                        _network?.Account(n);
                        offset += n;
                        count -= n;
                        wake = _readable;
                        _readable = null;
                        wait = null;
                    }
                    else
                    {
                        _writable = _writable ?? new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        wait = _writable.Task;
                    }
                }
                wake?.TrySetResult(true);
                if (wait != null) await wait;
            }
        }

        public Task<int> ReadAsync(byte[] buffer, int offset, int count)
        {
            Task wait;
            lock (_gate)
            {
                if (_readFault != null) return Task.FromException<int>(_readFault);
                if (_buffered > 0) return Task.FromResult(Take(buffer, offset, count));
                if (_writingDone) return Task.FromResult(0);
                _readable = _readable ?? new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _readable.Task;
            }
            return ReadWhenReadableAsync(wait, buffer, offset, count);
        }

        private async Task<int> ReadWhenReadableAsync(Task wait, byte[] buffer, int offset, int count)
        {
            await wait;
            return await ReadAsync(buffer, offset, count);
        }

        private int Take(byte[] buffer, int offset, int count)
        {
            int taken = 0;
            while (taken < count && _chunks.Count > 0)
            {
                byte[] head = _chunks.Peek();
                int n = Math.Min(count - taken, head.Length - _headOffset);
                Buffer.BlockCopy(head, _headOffset, buffer, offset + taken, n);
                taken += n;
                _headOffset += n;
                if (_headOffset == head.Length)
                {
                    _chunks.Dequeue();
                    _headOffset = 0;
                }
            }
            _buffered -= taken;
            _network?.Account(-taken);
            TaskCompletionSource<bool> wake = _writable;
            _writable = null;
            wake?.TrySetResult(true); // continuations run asynchronously: safe under the lock
            return taken;
        }

        /// <summary>The writer is done: the reader gets the buffered bytes, then end-of-stream.</summary>
        public void CompleteWriting()
        {
            TaskCompletionSource<bool> wake;
            lock (_gate)
            {
                _writingDone = true;
                wake = _readable;
                _readable = null;
            }
            wake?.TrySetResult(true);
        }

        /// <summary>
        /// Fails the pipe: the reader's pending and later reads throw <paramref name="forReader"/>, buffered bytes are
        /// lost, and the writer's sends fail.
        /// </summary>
        public void Fault(Exception forReader)
        {
            TaskCompletionSource<bool> readable;
            TaskCompletionSource<bool> writable;
            lock (_gate)
            {
                _readFault = _readFault ?? forReader;
                _writeFault = _writeFault ?? forReader;
                _chunks.Clear();
                _network?.Account(-_buffered);
                _buffered = 0;
                readable = _readable;
                writable = _writable;
                _readable = _writable = null;
            }
            readable?.TrySetResult(true);
            writable?.TrySetResult(true);
        }
    }
}
