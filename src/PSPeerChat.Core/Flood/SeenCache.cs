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
        private readonly Dictionary<Id128, byte> _ids; // key -> the fewest hops a copy of it came with
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
            _ids = new Dictionary<Id128, byte>();
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

        /// <summary>
        /// Records the id with the hop count its copy came with; true when it was not seen within the bounds (the caller
        /// handles the message), false for a duplicate.
        /// </summary>
        public bool TryAdd(Id128 id, byte hops = 0)
        {
            long now = _clockMs();
            lock (_gate)
            {
                Expire(now);
                if (_ids.ContainsKey(id)) return false;
                if (_ids.Count >= Capacity)
                {
                    _ids.Remove(_order.Dequeue().Id);
                    _evictedEarly++;
                }
                _ids.Add(id, hops);
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
                return _ids.ContainsKey(id);
            }
        }

        /// <summary>
        /// True when a copy with <paramref name="hops"/> hops would be a plain duplicate: the id is known, and the copy
        /// kept has no more hops, or no more than <paramref name="trusted"/> (see <see cref="TryLowerHops"/>).
        /// </summary>
        public bool IsDuplicate(Id128 id, byte hops, byte trusted)
        {
            long now = _clockMs();
            lock (_gate)
            {
                Expire(now);
                return _ids.TryGetValue(id, out byte kept) && (kept <= hops || kept <= trusted);
            }
        }

        /// <summary>
        /// A known id came again with fewer hops than the copy kept, and the kept copy had more than
        /// <paramref name="trusted"/> hops (it may have been poisoned to go less far): remembers the lower count and
        /// returns true, and the caller relays this copy too. False otherwise.
        /// </summary>
        public bool TryLowerHops(Id128 id, byte hops, byte trusted)
        {
            lock (_gate)
            {
                if (!_ids.TryGetValue(id, out byte kept) || hops >= kept || kept <= trusted) return false;
                _ids[id] = hops;
                return true;
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
