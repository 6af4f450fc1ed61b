using System;
using System.Collections.Generic;
using System.Threading;

namespace PSPeerChat.Inbox
{
    /// <summary>
    /// Delivered messages waiting for the user (Receive-PeerMessage, Enter-PeerChat). Bounded in count and in bytes
    /// (a long text weighs what it holds): when full the oldest messages are dropped and counted, because in a chat
    /// the newest lines matter most. Each message is handed out exactly once.
    /// </summary>
    internal sealed class MessageInbox
    {
        private readonly object _gate = new object();
        private readonly Queue<PeerMessage> _messages = new Queue<PeerMessage>();
        private long _bytes;
        private long _dropped;
        private int _waiters;
        private bool _completed;

        public MessageInbox(int capacity, long maxBytes = long.MaxValue)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
            if (maxBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxBytes));
            Capacity = capacity;
            MaxBytes = maxBytes;
        }

        public int Capacity { get; }

        /// <summary>Bytes the waiting messages may hold at most (PeerMessage.SizeBytes); the newest one always fits.</summary>
        public long MaxBytes { get; }

        public long Bytes
        {
            get { lock (_gate) return _bytes; }
        }

        public int Count
        {
            get { lock (_gate) return _messages.Count; }
        }

        public long Dropped => Interlocked.Read(ref _dropped);

        public void Add(PeerMessage message)
        {
            long size = message.SizeBytes;
            lock (_gate)
            {
                while (_messages.Count > 0 && (_messages.Count >= Capacity || _bytes + size > MaxBytes))
                {
                    _bytes -= _messages.Dequeue().SizeBytes;
                    _dropped++;
                }
                _messages.Enqueue(message);
                _bytes += size;
                if (_waiters > 0) Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Moves up to <paramref name="max"/> waiting messages into <paramref name="into"/> without waiting.</summary>
        public int TakeAvailable(List<PeerMessage> into, int max)
        {
            lock (_gate)
            {
                int n = Math.Min(max, _messages.Count);
                for (int i = 0; i < n; i++) into.Add(Dequeue());
                return n;
            }
        }

        /// <summary>
        /// Takes one message, waiting up to <paramref name="timeout"/> (Timeout.InfiniteTimeSpan waits for ever)
        /// or until <paramref name="cancel"/> fires. Returns null when nothing came.
        /// </summary>
        public PeerMessage Take(TimeSpan timeout, CancellationToken cancel)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long limit = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)timeout.TotalMilliseconds;
            using (cancel.Register(WakeAll))
            {
                lock (_gate)
                {
                    _waiters++;
                    try
                    {
                        while (_messages.Count == 0)
                        {
                            if (cancel.IsCancellationRequested || _completed) return null;
                            long left = limit - clock.ElapsedMilliseconds;
                            if (left <= 0) return null;
                            Monitor.Wait(_gate, (int)Math.Min(left, 1000));
                        }
                        return Dequeue();
                    }
                    finally
                    {
                        _waiters--;
                    }
                }
            }
        }

        private PeerMessage Dequeue()
        {
            PeerMessage message = _messages.Dequeue();
            _bytes -= message.SizeBytes;
            return message;
        }

        /// <summary>No more messages will come (the node stopped): waiting takers return once the inbox is empty.</summary>
        public void Complete()
        {
            lock (_gate)
            {
                _completed = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Wakes every waiting taker (cancellation).</summary>
        public void WakeAll()
        {
            lock (_gate) Monitor.PulseAll(_gate);
        }
    }
}
