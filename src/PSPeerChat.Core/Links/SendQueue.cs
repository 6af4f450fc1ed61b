using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;

namespace PSPeerChat.Links
{
    /// <summary>
    /// A link's bounded send queue: many producers (the flood router on every reader, local senders),
    /// one consumer (the link's writer loop). The writer takes everything queued at once and writes it in one send.
    /// </summary>
    internal sealed class SendQueue
    {
        private readonly object _gate = new object();
        private readonly Queue<OutboundFrame> _items;
        private TaskCompletionSource<bool> _writerWaiting;
        private int _spaceWaiters;
        private bool _completed;
        private long _bytes;

        public SendQueue(int capacity, long maxBytes = long.MaxValue)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
            if (maxBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxBytes));
            Capacity = capacity;
            MaxBytes = maxBytes;
            _items = new Queue<OutboundFrame>(Math.Min(capacity, 64));
        }

        /// <summary>Most frames queued at once.</summary>
        public int Capacity { get; }

        /// <summary>Most bytes queued at once; one frame is always let in, however large, when the queue is empty.</summary>
        public long MaxBytes { get; }

        public int Count
        {
            get { lock (_gate) return _items.Count; }
        }

        /// <summary>Queues a frame, waiting up to <paramref name="waitMilliseconds"/> for room. False when full or completed.</summary>
        public bool TryEnqueue(OutboundFrame frame, int waitMilliseconds)
        {
            TaskCompletionSource<bool> wake;
            lock (_gate)
            {
                if (_completed) return false;
                if (IsFull(frame))
                {
                    if (waitMilliseconds <= 0) return false;
                    int deadline = Environment.TickCount + waitMilliseconds;
                    _spaceWaiters++;
                    try
                    {
                        while (IsFull(frame) && !_completed)
                        {
                            int left = deadline - Environment.TickCount;
                            if (left <= 0) return false;
                            Monitor.Wait(_gate, left);
                        }
                    }
                    finally
                    {
                        _spaceWaiters--;
                    }
                    if (_completed) return false;
                }
                _items.Enqueue(frame);
                _bytes += frame.Frame.Length;
                wake = _writerWaiting;
                _writerWaiting = null;
            }
            wake?.TrySetResult(true); // outside the lock: continuations run asynchronously anyway
            return true;
        }

        private bool IsFull(OutboundFrame frame) => _items.Count >= Capacity || (_items.Count > 0 && _bytes + frame.Frame.Length > MaxBytes);

        /// <summary>
        /// Queues a final frame even when the queue is full (a CLOSE must get out) and refuses everything after it.
        /// </summary>
        public void CompleteWith(OutboundFrame last)
        {
            TaskCompletionSource<bool> wake;
            lock (_gate)
            {
                if (_completed) return;
                _completed = true;
                if (last != null)
                {
                    last.CloseAfter = true;
                    _items.Enqueue(last);
                    _bytes += last.Frame.Length;
                }
                wake = _writerWaiting;
                _writerWaiting = null;
                if (_spaceWaiters > 0) Monitor.PulseAll(_gate);
            }
            wake?.TrySetResult(true);
        }

        /// <summary>
        /// Waits until frames are queued, then moves up to <paramref name="max"/> of them into <paramref name="batch"/>.
        /// Completes with an empty batch once the queue is completed and drained.
        /// </summary>
        public async Task TakeBatchAsync(List<OutboundFrame> batch, int max)
        {
            while (true)
            {
                Task wait;
                lock (_gate)
                {
                    if (_items.Count > 0)
                    {
                        int n = Math.Min(max, _items.Count);
                        for (int i = 0; i < n; i++)
                        {
                            OutboundFrame frame = _items.Dequeue();
                            _bytes -= frame.Frame.Length;
                            batch.Add(frame);
                        }
                        if (_spaceWaiters > 0) Monitor.PulseAll(_gate);
                        return;
                    }
                    if (_completed) return;
                    _writerWaiting = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _writerWaiting.Task;
                }
                await wait; // no ConfigureAwait(false): the writer resumes on LinkScheduler
            }
        }
    }
}
