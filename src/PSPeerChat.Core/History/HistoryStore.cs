using System;
using System.Collections.Generic;
using PSPeerChat.Identity;

namespace PSPeerChat.History
{
    /// <summary>
    /// The recent flooded frames this node accepted (protocol.md §4.4), kept to catch up neighbours that were away: each
    /// MESSAGE and DIRECT by its seen key with its origin timestamp and its frame bytes, or its key alone (a DIRECT for
    /// this node, keys reloaded after a restart). Bounded by age (the history window, by the frame's timestamp), by bytes
    /// and by count; the first accepted goes first, and an entry pushed out before its age is counted and raises
    /// <see cref="CompleteSinceMs"/>, the time from which the store still holds everything it accepted.
    /// </summary>
    internal sealed class HistoryStore
    {
        /// <summary>What an entry costs beyond its frame bytes: the key, the timestamp, two tables' nodes.</summary>
        public const int EntryOverhead = 96;

        private readonly object _gate = new object();
        private readonly Dictionary<Id128, Entry> _byKey = new Dictionary<Id128, Entry>();
        // In the order frames were accepted, which is their timestamps' order but for stragglers (a copy that came late, a
        // frame caught up): a queue costs the relay path nothing but the entry, where a sorted set cost a node and a walk
        // per frame. Age and the bounds push out from its head; what needs timestamp order sorts a snapshot.
        private readonly Queue<Entry> _byArrival = new Queue<Entry>();
        private readonly Func<long> _unixNowMs;
        private long _bytes;
        private long _evicted;
        private long _completeSinceMs = long.MinValue;
        private long _nextSequence;

        public HistoryStore(TimeSpan window, long maxBytes, int maxCount, Func<long> unixNowMs)
        {
            WindowMs = (long)window.TotalMilliseconds;
            MaxBytes = maxBytes;
            MaxCount = maxCount;
            _unixNowMs = unixNowMs;
        }

        public long WindowMs { get; }

        public long MaxBytes { get; }

        public int MaxCount { get; }

        public int Count
        {
            get { lock (_gate) { Expire(_unixNowMs()); return _byKey.Count; } }
        }

        /// <summary>Bytes held, entry overheads included.</summary>
        public long Bytes
        {
            get { lock (_gate) { Expire(_unixNowMs()); return _bytes; } }
        }

        /// <summary>Entries pushed out by the byte or count bound before their age (not those that aged out).</summary>
        public long Evicted
        {
            get { lock (_gate) return _evicted; }
        }

        /// <summary>
        /// Unix ms from which the store holds every frame it accepted: the newest timestamp pushed out early (or reloaded
        /// as such after a restart), long.MinValue while nothing was. A sync asks only for frames after it and after the
        /// window's start (protocol.md §3.14).
        /// </summary>
        public long CompleteSinceMs
        {
            get { lock (_gate) return _completeSinceMs; }
        }

        /// <summary>The number the next entry accepted gets: entries numbered below it were accepted before now.</summary>
        public long Sequence
        {
            get { lock (_gate) return _nextSequence; }
        }

        /// <summary>Where a request's window starts: the window's start, or later when entries were pushed out early.</summary>
        public long SinceMs(long nowMs) => Math.Max(nowMs - WindowMs, CompleteSinceMs);

        /// <summary>
        /// Keeps an accepted frame (or with <paramref name="frame"/> null, its key alone); false when it is already held or
        /// older than the window.
        /// </summary>
        public bool Add(Id128 key, long timestampMs, byte[] frame)
        {
            long now = _unixNowMs();
            lock (_gate)
            {
                Expire(now);
                if (timestampMs < now - WindowMs || _byKey.ContainsKey(key)) return false;
                var entry = new Entry(key, timestampMs, frame, _nextSequence++);
                _byKey.Add(key, entry);
                _byArrival.Enqueue(entry);
                _bytes += entry.Size;
                while (_byKey.Count > MaxCount || _bytes > MaxBytes)
                {
                    Entry oldest = RemoveOldest();
                    _evicted++;
                    _completeSinceMs = Math.Max(_completeSinceMs, oldest.TimestampMs); // everything after it is still held
                }
                return true;
            }
        }

        public bool Contains(Id128 key)
        {
            lock (_gate) return _byKey.ContainsKey(key);
        }

        /// <summary>
        /// The <see cref="CompleteSinceMs"/> a restarted node reloaded (long.MinValue without one): the seen keys it got back
        /// are complete only after it, so live frames stamped at or before it are refused too (protocol.md §8.3).
        /// </summary>
        public long ReloadedCompleteSinceMs { get; private set; } = long.MinValue;

        /// <summary>A restarted node's reloaded bound (see <see cref="CompleteSinceMs"/>): never lowers it.</summary>
        public void RaiseCompleteSince(long unixMs)
        {
            lock (_gate) _completeSinceMs = Math.Max(_completeSinceMs, unixMs);
            ReloadedCompleteSinceMs = Math.Max(ReloadedCompleteSinceMs, unixMs);
        }

        /// <summary>Every key held in the window with its timestamp, oldest first (for a filter, or to save).</summary>
        public List<KeyValuePair<Id128, long>> Keys()
        {
            long now = _unixNowMs();
            lock (_gate)
            {
                Expire(now);
                var keys = new List<KeyValuePair<Id128, long>>(_byKey.Count);
                foreach (Entry e in _byArrival) keys.Add(new KeyValuePair<Id128, long>(e.Key, e.TimestampMs));
                keys.Sort((a, b) => a.Value.CompareTo(b.Value));
                return keys;
            }
        }

        /// <summary>
        /// The frames held with a timestamp after <paramref name="sinceMs"/>, accepted before <paramref name="beforeSequence"/>
        /// (<see cref="Sequence"/> when the asking link came up: what came later reached it live), that <paramref name="filter"/> does not hold,
        /// oldest first, while their sizes (plus <paramref name="perFrame"/> each) fit in <paramref name="budget"/>;
        /// <paramref name="more"/> when one did not fit. The filter is tested outside the lock, over a snapshot.
        /// </summary>
        public List<byte[]> Missing(KeyFilter filter, long sinceMs, long beforeSequence, int budget, int perFrame, out bool more)
        {
            more = false;
            var candidates = new List<Entry>();
            long now = _unixNowMs();
            lock (_gate)
            {
                Expire(now);
                foreach (Entry e in _byArrival)
                {
                    if (e.Sequence >= beforeSequence) break; // the queue is in acceptance order: the rest came later too
                    if (e.Frame != null && e.TimestampMs > sinceMs) candidates.Add(e);
                }
            }
            candidates.Sort(EntryOrder.Instance); // oldest first, outside the lock
            var frames = new List<byte[]>();
            long taken = 0;
            foreach (Entry e in candidates)
            {
                if (filter.MayContain(e.Key)) continue;
                long size = e.Frame.Length + perFrame;
                if (taken + size > budget)
                {
                    more = true;
                    break;
                }
                taken += size;
                frames.Add(e.Frame);
            }
            return frames;
        }

        /// <summary>Ages out from the head: a straggler behind a newer entry goes when that one does (it is never served: Missing checks the time).</summary>
        private void Expire(long now)
        {
            long oldest = now - WindowMs;
            while (_byArrival.Count > 0 && _byArrival.Peek().TimestampMs < oldest) RemoveOldest();
        }

        private Entry RemoveOldest()
        {
            Entry entry = _byArrival.Dequeue();
            _byKey.Remove(entry.Key);
            _bytes -= entry.Size;
            return entry;
        }

        private sealed class Entry
        {
            public Entry(Id128 key, long timestampMs, byte[] frame, long sequence)
            {
                Key = key;
                TimestampMs = timestampMs;
                Frame = frame;
                Sequence = sequence;
            }

            /// <summary>Its place in acceptance order.</summary>
            public long Sequence { get; }

            public Id128 Key { get; }

            public long TimestampMs { get; }

            /// <summary>The frame, length prefix included (its hop byte may change: hops do not matter here); null: key only.</summary>
            public byte[] Frame { get; }

            public long Size => EntryOverhead + (Frame?.Length ?? 0);
        }

        private sealed class EntryOrder : IComparer<Entry>
        {
            public static readonly EntryOrder Instance = new EntryOrder();

            public int Compare(Entry a, Entry b)
            {
                int byTime = a.TimestampMs.CompareTo(b.TimestampMs);
                if (byTime != 0) return byTime;
                int high = a.Key.High.CompareTo(b.Key.High);
                return high != 0 ? high : a.Key.Low.CompareTo(b.Key.Low);
            }
        }
    }
}
