using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;
using PSPeerChat.Timing;
using PSPeerChat.Transport;

namespace PSPeerChat.Links
{
    /// <summary>
    /// A link's bytes: the read buffer and frame splitting (protocol.md §2), read slices so one busy link cannot keep a
    /// thread, and the writer loop that coalesces queued frames into few sends. Exactly one reader and one writer; both
    /// run on <see cref="LinkScheduler"/>. Frames are handed to the session; text lines are split by the text reader.
    /// </summary>
    internal sealed class LinkPump
    {
        public delegate bool FrameHandler(byte[] buffer, int body, int length);

        private readonly Link _link;
        private readonly ILinkTransport _transport;
        private readonly LinkSettings _settings;
        private readonly TimeProvider _clock;
        private readonly SendQueue _queue;
        private readonly Stats.NodeStats _stats;
        private byte[] _readBuffer;
        private byte[] _writeBuffer;
        private Task _reader = Task.CompletedTask;
        private Task _writer = Task.CompletedTask;
        private long _lastReceivedMs;
        private long _stalledSinceMs; // 0 while the writer keeps up; else when a frame first found the queue full
        private int _disposed;
        private volatile bool _textLines;
        // Records (protocol.md §9.4): the reader's side (set by the handshake on the reader, switched to between two
        // frames) and the writer's cipher (switched to at a marker in the send queue).
        private RecordCipher _pendingReceive;
        private RecordReader _records;
        private RecordCipher _send;
        private RecordCipher _keys; // forgotten once both loops have ended
        private byte[] _sealed;
        private long _wireBytes; // written since the writer last counted (writer only)

        public LinkPump(Link link, ILinkTransport transport, LinkSettings settings, TimeProvider clock, Stats.NodeStats stats)
        {
            _stats = stats;
            _link = link;
            _transport = transport;
            _settings = settings;
            _clock = clock;
            _queue = new SendQueue(settings.QueueCapacity, settings.QueueBytes);
            _readBuffer = new byte[settings.InitialReadBuffer];
            _lastReceivedMs = NowMs();
        }

        public byte[] ReadBuffer => _readBuffer;

        public long LastReceivedMs => Interlocked.Read(ref _lastReceivedMs);

        public bool HasUnreadData => _transport.HasUnreadData;

        public int QueueLength => _queue.Count;

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public Task Completion => Task.WhenAll(_reader, _writer);

        public Task WriterCompletion => _writer;

        public void Start(Func<Task> readLoop)
        {
            // Both loops' awaits keep no ConfigureAwait(false): each continuation returns to the bounded scheduler.
            _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, LinkScheduler.Instance).Unwrap();
            _reader = Task.Factory.StartNew(readLoop, CancellationToken.None, TaskCreationOptions.DenyChildAttach, LinkScheduler.Instance).Unwrap();
            // The link's keys leave memory with the link: once neither loop can use them, they are cleared (§9.4).
            Completion.ContinueWith(_ => Volatile.Read(ref _keys)?.Clear(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        /// <summary>The writer sends each broadcast's text line instead of its frame, and skips control frames.</summary>
        public void SwitchToTextLines() => _textLines = true;

        public bool TryEnqueue(OutboundFrame frame, int waitMilliseconds)
        {
            if (_queue.TryEnqueue(frame, waitMilliseconds)) return true;
            Interlocked.CompareExchange(ref _stalledSinceMs, Math.Max(1, NowMs()), 0);
            return false;
        }

        /// <summary>
        /// Clock reading (ms) since which frames find the queue full and the writer has taken none; 0 when it keeps up.
        /// A neighbour that stops reading shows here: its socket stops taking bytes, the writer stops, the queue fills.
        /// </summary>
        public long StalledSinceMs => Interlocked.Read(ref _stalledSinceMs);

        /// <summary>
        /// From the end of the frame being handled, what the neighbour sends is records: the reader opens them with
        /// <paramref name="cipher"/> before it splits frames. Called by the handshake, on the reader.
        /// </summary>
        public void ReceiveRecords(RecordCipher cipher)
        {
            _pendingReceive = cipher;
            Volatile.Write(ref _keys, cipher);
        }

        /// <summary>
        /// Everything queued after this call is sealed into records with <paramref name="cipher"/>; what was queued before
        /// goes out in the clear. False when the queue could not take the marker (the link must close).
        /// </summary>
        public bool SendRecords(RecordCipher cipher) => _queue.TryEnqueue(OutboundFrame.StartRecords(cipher), 0);

        /// <summary>Queues a last frame (or none) and refuses everything after it; the writer ends once it is out.</summary>
        public void CompleteWith(OutboundFrame last) => _queue.CompleteWith(last);

        public void DisposeTransport()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _transport.Dispose();
        }

        public void AbortTransport()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _transport.Abort();
        }

        /// <summary>Receives into the read buffer from <paramref name="offset"/>; the caller reports what came with <see cref="Received"/>.</summary>
        public Task<int> ReceiveAsync(int offset) => _transport.ReceiveAsync(_readBuffer, offset, _readBuffer.Length - offset);

        /// <summary>Counts received bytes, and notes them as the neighbour's evidence of life.</summary>
        public void Received(int bytes)
        {
            if (bytes <= 0) return;
            _link.Counters.Received(bytes);
            Interlocked.Exchange(ref _lastReceivedMs, NowMs());
        }

        /// <summary>Frames until <paramref name="handle"/> says the link is done or the neighbour leaves; <paramref name="end"/> bytes are already in the buffer.</summary>
        public async Task ReadFramesAsync(int end, FrameHandler handle)
        {
            int start = 0;
            long sliceStart = Stopwatch.GetTimestamp();
            while (true)
            {
                int needed = ProtocolLimits.LengthPrefix;
                while (true)
                {
                    FrameReadStatus status = FrameReader.TryRead(_readBuffer, start, end - start, out int bodyLength);
                    if (status == FrameReadStatus.Frame)
                    {
                        int body = start + ProtocolLimits.LengthPrefix;
                        start = body + bodyLength;
                        if (!handle(_readBuffer, body, bodyLength)) return;
                        if (_pendingReceive != null) SwitchToRecords(ref start, ref end);
                        TimeSpan pause = _link.Budgets.Pace(ProtocolLimits.LengthPrefix + bodyLength);
                        if (pause > TimeSpan.Zero)
                        {
                            // Faster than its read rates (protocol.md §8.8): stop reading for a while. The socket's window
                            // fills and TCP slows the sender; what it already sent stays unread, nothing is dropped.
                            _stats.ReadPaused();
                            Interlocked.Exchange(ref _lastReceivedMs, NowMs());
                            await _clock.Delay(pause);
                            Interlocked.Exchange(ref _lastReceivedMs, NowMs());
                            sliceStart = Stopwatch.GetTimestamp();
                            continue;
                        }
                        if (Stopwatch.GetTimestamp() - sliceStart > _settings.ReadSliceTicks)
                        {
                            // A busy link must not keep its thread: with verification at ~80 us a frame, a full buffer
                            // is tens of milliseconds, and starved readers of other links would look dead to the keepalive.
                            Interlocked.Exchange(ref _lastReceivedMs, NowMs());
                            await Task.Yield();
                            sliceStart = Stopwatch.GetTimestamp();
                        }
                        continue;
                    }
                    if (status == FrameReadStatus.TooLarge)
                    {
                        _link.Fail("frame of " + BigEndian.ReadUInt32(_readBuffer, start) + " bytes; the limit is " + ProtocolLimits.MaxFrameBody, CloseReason.FrameTooLarge);
                        return;
                    }
                    if (status == FrameReadStatus.Empty)
                    {
                        _link.Fail("empty frame");
                        return;
                    }
                    if (bodyLength > 0) needed = ProtocolLimits.LengthPrefix + bodyLength;
                    break;
                }

                MakeRoom(ref start, ref end, needed);
                int n;
                if (_records == null)
                {
                    n = await ReceiveAsync(end);
                    Received(n);
                }
                else if (!_records.TryTakeOpened(_readBuffer, end, _readBuffer.Length - end, out n))
                {
                    n = await ReadRecordsAsync(end);
                    if (n < 0) return; // a record did not open: the link is closed
                }
                if (n == 0)
                {
                    _link.Close(CloseReason.ConnectionLost, end > start || (_records?.HasBufferedBytes ?? false) ? "the neighbour left in the middle of a frame" : "the neighbour left without CLOSE", tellRemote: false);
                    return;
                }
                end += n;
                sliceStart = Stopwatch.GetTimestamp(); // waiting for bytes is not frame handling: a new slice begins
            }
        }

        /// <summary>The bytes after the frame just handled are ciphertext: they start the record reader.</summary>
        private void SwitchToRecords(ref int start, ref int end)
        {
            _records = new RecordReader(_pendingReceive, _readBuffer, start, end - start, _settings.InitialReadBuffer);
            _pendingReceive = null;
            start = end = 0;
        }

        /// <summary>
        /// Puts plaintext into the frame buffer from <paramref name="offset"/>, opening records and receiving ciphertext
        /// until some is there. Every record counts against the read rates like a frame, so a neighbour cannot make this
        /// node open empty or tiny records for free. The count of plaintext bytes; 0 when the neighbour left; -1 when a
        /// record did not open, and the link is closed.
        /// </summary>
        private async Task<int> ReadRecordsAsync(int offset)
        {
            while (true)
            {
                ulong before = _records.RecordsOpened;
                RecordRead read = _records.Take(_readBuffer, offset, _readBuffer.Length - offset, out int count);
                if (read == RecordRead.Failed)
                {
                    // Not counted as the neighbour's misbehaviour: the bytes may have been changed on the path, so its
                    // address is not discouraged. No CLOSE from it can be trusted any more; ours goes out sealed.
                    _stats.InvalidFrame();
                    _link.Close(CloseReason.ProtocolError, "a record did not decrypt (altered, forged, replayed or out of order)");
                    return -1;
                }
                if (_records.RecordsOpened != before)
                {
                    TimeSpan pause = _link.Budgets.Pace(0);
                    if (pause > TimeSpan.Zero)
                    {
                        _stats.ReadPaused();
                        Interlocked.Exchange(ref _lastReceivedMs, NowMs());
                        await _clock.Delay(pause);
                        Interlocked.Exchange(ref _lastReceivedMs, NowMs());
                    }
                }
                if (read == RecordRead.Plaintext) return count;
                if (read == RecordRead.EmptyRecord) continue;
                ArraySegment<byte> space = _records.ReceiveSpace();
                int n = await _transport.ReceiveAsync(space.Array, space.Offset, space.Count);
                if (n == 0) return 0;
                Received(n);
                _records.Received(n);
            }
        }

        /// <summary>Moves unread bytes to the front and grows the buffer so <paramref name="needed"/> bytes fit (never beyond a frame's maximum).</summary>
        public void MakeRoom(ref int start, ref int end, int needed)
        {
            int unread = end - start;
            if (unread == 0)
            {
                start = end = 0;
            }
            if (_readBuffer.Length - start >= needed && end < _readBuffer.Length) return;
            if (_readBuffer.Length < needed)
            {
                int size = Math.Max(needed, Math.Min(_readBuffer.Length * 2, ProtocolLimits.LengthPrefix + ProtocolLimits.MaxFrameBody));
                var bigger = new byte[size];
                Buffer.BlockCopy(_readBuffer, start, bigger, 0, unread);
                _readBuffer = bigger;
            }
            else if (start > 0)
            {
                Buffer.BlockCopy(_readBuffer, start, _readBuffer, 0, unread);
            }
            start = 0;
            end = unread;
        }

        private long NowMs() => _clock.NowMs();

        private async Task WriteLoopAsync()
        {
            var batch = new List<OutboundFrame>(16);
            try
            {
                while (true)
                {
                    batch.Clear();
                    await _queue.TakeBatchAsync(batch, _settings.WriteBatchFrames);
                    if (batch.Count == 0) break;
                    Interlocked.Exchange(ref _stalledSinceMs, 0); // room again: the neighbour reads
                    bool closeAfter = await WriteBatchAsync(batch);
                    if (closeAfter)
                    {
                        _transport.ShutdownSend();
                        break;
                    }
                }
            }
            catch (Exception ex)
            {
                _link.Close(CloseReason.ConnectionLost, "send failed: " + ex.Message, tellRemote: false);
            }
        }

        /// <summary>Writes a batch, small frames joined into sends of up to the coalesce limit; true when the last frame ends the link.</summary>
        private async Task<bool> WriteBatchAsync(List<OutboundFrame> batch)
        {
            bool closeAfter = false;
            bool text = _textLines;
            int used = 0;
            int messages = 0;
            foreach (OutboundFrame frame in batch)
            {
                if (frame.Records != null)
                {
                    // The handshake's marker: what was queued before it goes out in the clear, everything after in records.
                    if (used > 0) await SendAsync(_writeBuffer, 0, used);
                    used = 0;
                    _send = frame.Records;
                    continue;
                }
                closeAfter |= frame.CloseAfter;
                byte[] data = text ? frame.Message?.GetTextLine() : frame.Frame;
                if (data == null) continue;
                if (frame.Message != null) messages++;
                // Text links get one line per send: the article's Go node reads each line with a fresh
                // buffered reader and would lose lines that arrive together (protocol.md §5).
                if (batch.Count == 1 || text || data.Length > _settings.CoalesceLimit)
                {
                    if (used > 0) await SendAsync(_writeBuffer, 0, used);
                    used = 0;
                    await SendAsync(data, 0, data.Length);
                    continue;
                }
                if (used + data.Length > _settings.CoalesceLimit)
                {
                    await SendAsync(_writeBuffer, 0, used);
                    used = 0;
                }
                EnsureWriteBuffer(used + data.Length);
                Buffer.BlockCopy(data, 0, _writeBuffer, used, data.Length);
                used += data.Length;
            }
            if (used > 0) await SendAsync(_writeBuffer, 0, used);
            _link.Counters.Sent(_wireBytes, messages); // bytes on the wire, records included
            _wireBytes = 0;
            return closeAfter;
        }

        /// <summary>Sends bytes of the link's stream: as they are, or sealed into records once the handshake keyed the link.</summary>
        private Task SendAsync(byte[] data, int offset, int count)
        {
            if (_send == null)
            {
                _wireBytes += count;
                return _transport.SendAsync(data, offset, count);
            }
            int records = (count + RecordCipher.PreferredPlaintext - 1) / RecordCipher.PreferredPlaintext;
            int size = count + records * RecordCipher.RecordSize(0);
            if (_sealed == null || _sealed.Length < size) _sealed = new byte[Math.Max(size, Math.Min(2 * (_sealed?.Length ?? 0), _settings.CoalesceLimit + (_settings.CoalesceLimit / RecordCipher.PreferredPlaintext + 1) * RecordCipher.RecordSize(0)))];
            int written = 0;
            while (count > 0)
            {
                int chunk = Math.Min(count, RecordCipher.PreferredPlaintext);
                written += _send.Seal(data, offset, chunk, _sealed, written);
                offset += chunk;
                count -= chunk;
            }
            _wireBytes += written;
            return _transport.SendAsync(_sealed, 0, written);
        }

        private void EnsureWriteBuffer(int size)
        {
            if (_writeBuffer != null && _writeBuffer.Length >= size) return;
            int length = _writeBuffer == null ? 4096 : _writeBuffer.Length;
            while (length < size) length *= 2;
            var bigger = new byte[Math.Min(length, _settings.CoalesceLimit)];
            if (_writeBuffer != null) Buffer.BlockCopy(_writeBuffer, 0, bigger, 0, _writeBuffer.Length);
            _writeBuffer = bigger;
        }
    }
}
