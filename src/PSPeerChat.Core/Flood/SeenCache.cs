using System;
using System.Collections.Generic;
using System.Diagnostics;
using PSPeerChat.Protocol;
using PSPeerChat.Identity;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// Message ids seen recently (protocol.md §4). Bounded twice: an id is forgotten after <c>Lifetime</c>,
    /// and the oldest id goes first when <c>Capacity</c> is reached, so hostile traffic cannot grow it.
    /// Insertion order equals time order, so one FIFO queue serves both bounds.
    /// </summary>
    internal sealed class SeenCache
    {
        private readonly object _gate = new object();
        private readonly HashSet<Id128> _ids;
        private readonly Queue<Entry> _order;
        private readonly Func<long> _clockMs;
        private readonly long _lifetimeMs;
        private long _evictedEarly;

        public SeenCache(int capacity, TimeSpan lifetime, Func<long> clockMs = null)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
            if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime));
            Capacity = capacity;
            Lifetime = lifetime;
            _lifetimeMs = (long)lifetime.TotalMilliseconds;
            _clockMs = clockMs ?? StopwatchMs;
            _ids = new HashSet<Id128>();
            _order = new Queue<Entry>();
        }

        public int Capacity { get; }

        public TimeSpan Lifetime { get; }

        public int Count
        {
            get { lock (_gate) return _ids.Count; }
        }

        /// <summary>Ids dropped to make room before their lifetime ended (a sign the capacity is too small for the traffic).</summary>
        public long EvictedEarly => System.Threading.Interlocked.Read(ref _evictedEarly);

        /// <summary>
        /// How far back the cache remembers, in milliseconds: the lifetime, or less once the count bound pushes ids out
        /// early. The replay window never reaches further back than this (protocol.md §8.3).
        /// </summary>
        public long HorizonMs
        {
            get
            {
                long now = _clockMs();
                lock (_gate)
                {
                    Expire(now);
                    if (_ids.Count < Capacity || _order.Count == 0) return _lifetimeMs;
                    return Math.Max(0, now - _order.Peek().SeenAtMs);
                }
            }
        }

        /// <summary>Records the id; true when it was not seen within the bounds (the caller handles the message), false for a duplicate.</summary>
        public bool TryAdd(Id128 id)
        {
            long now = _clockMs();
            lock (_gate)
            {
                Expire(now);
                if (_ids.Contains(id)) return false;
                if (_ids.Count >= Capacity)
                {
                    _ids.Remove(_order.Dequeue().Id);
                    _evictedEarly++;
                }
                _ids.Add(id);
                _order.Enqueue(new Entry(id, now));
                return true;
            }
        }

        public bool Contains(Id128 id)
        {
            long now = _clockMs();
            lock (_gate)
            {
                Expire(now);
                return _ids.Contains(id);
            }
        }

        private void Expire(long now)
        {
            while (_order.Count > 0 && now - _order.Peek().SeenAtMs >= _lifetimeMs)
            {
                _ids.Remove(_order.Dequeue().Id);
            }
        }

        private static long StopwatchMs() => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

        private readonly struct Entry
        {
            public readonly Id128 Id;
            public readonly long SeenAtMs;

            public Entry(Id128 id, long seenAtMs)
            {
                Id = id;
                SeenAtMs = seenAtMs;
            }
        }
    }
}
