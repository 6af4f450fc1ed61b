using System;
using System.Collections.Generic;
using System.Threading;

namespace PSPeerChat.Inbox
{
    /// <summary>
    /// Delivered messages waiting for the user (Receive-PeerMessage, Enter-PeerChat). Bounded: when full the
    /// oldest message is dropped and counted, because in a chat the newest lines matter most. Each message is
    /// handed out exactly once.
    /// </summary>
    internal sealed class MessageInbox
    {
        private readonly object _gate = new object();
        private readonly Queue<PeerMessage> _messages = new Queue<PeerMessage>();
        private long _dropped;
        private int _waiters;
        private bool _completed;

        public MessageInbox(int capacity)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
            Capacity = capacity;
        }

        public int Capacity { get; }

        public int Count
        {
            get { lock (_gate) return _messages.Count; }
        }

        public long Dropped => Interlocked.Read(ref _dropped);

        public void Add(PeerMessage message)
        {
            lock (_gate)
            {
                if (_messages.Count >= Capacity)
                {
                    _messages.Dequeue();
                    _dropped++;
                }
                _messages.Enqueue(message);
                if (_waiters > 0) Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Moves up to <paramref name="max"/> waiting messages into <paramref name="into"/> without waiting.</summary>
        public int TakeAvailable(List<PeerMessage> into, int max)
        {
            lock (_gate)
            {
                int n = Math.Min(max, _messages.Count);
                for (int i = 0; i < n; i++) into.Add(_messages.Dequeue());
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
                        return _messages.Dequeue();
                    }
                    finally
                    {
                        _waiters--;
                    }
                }
            }
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
