using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Settings;
using PSPeerChat.Timing;

namespace PSPeerChat.Identity
{
    /// <summary>
    /// Who is out there (protocol.md §4.3): ids, names and public keys from signed announcements and handshakes.
    /// Bounded in count and bytes, and newcomers cannot push anyone out: when full, only an entry not seen for a while
    /// (a newcomer for 10 minutes, a known node for a day) makes room, the one seen longest ago first; with none, the
    /// new node is not learned. A node is a newcomer until it is seen again 10 minutes after it was first seen.
    /// Each entry sits in one of two lists ordered by when it was last seen, so no insert scans the directory.
    /// </summary>
    internal sealed class PeerDirectory
    {
        private readonly object _gate = new object();
        private readonly Dictionary<Id128, DirectoryEntry> _entries = new Dictionary<Id128, DirectoryEntry>();
        private readonly LinkedList<DirectoryEntry> _newcomers = new LinkedList<DirectoryEntry>();
        private readonly LinkedList<DirectoryEntry> _known = new LinkedList<DirectoryEntry>();
        private readonly TimeProvider _clock;
        private readonly long _newcomerMs = (long)Tunables.NewcomerTime.TotalMilliseconds;
        private long _bytes;
        private long _refused;

        public PeerDirectory(int capacity, long maxBytes, TimeProvider clock)
        {
            Capacity = capacity;
            MaxBytes = maxBytes;
            _clock = clock;
        }

        public int Capacity { get; }

        public long MaxBytes { get; }

        public int Count
        {
            get { lock (_gate) return _entries.Count; }
        }

        /// <summary>Bytes the entries weigh (<see cref="DirectoryEntry.WeightOf"/>), at most <see cref="MaxBytes"/>.</summary>
        public long Bytes
        {
            get { lock (_gate) return _bytes; }
        }

        /// <summary>Nodes not learned (and renames not taken) because the directory was full of entries it keeps.</summary>
        public long Refused
        {
            get { lock (_gate) return _refused; }
        }

        /// <summary>Records what a verified announcement or handshake said; true when the node was not known before and now is.</summary>
        public bool Learn(Id128 id, string name, byte[] encryptionKey, int hops, long announcedAtMs)
        {
            long now = _clock.NowMs();
            lock (_gate)
            {
                if (!_entries.TryGetValue(id, out DirectoryEntry entry))
                {
                    if (!MakeRoom(1, DirectoryEntry.WeightOf(name), now, null)) return false;
                    entry = new DirectoryEntry(id, now, _clock.GetLocalNow());
                    entry.Place = _newcomers.AddLast(entry);
                    _entries.Add(id, entry);
                    Record(entry, name, encryptionKey, hops, announcedAtMs, now);
                    return true;
                }
                if (announcedAtMs < entry.AnnouncedAtMs) return false; // an older announcement that took a longer path: keep the newer facts
                long growth = DirectoryEntry.WeightOf(name) - entry.Weight;
                if (growth > 0 && !MakeRoom(0, growth, now, entry)) return false;
                _bytes -= entry.Weight;
                Record(entry, name, encryptionKey, hops, announcedAtMs, now);
                Touch(entry, now);
                return false;
            }
        }

        public bool TryGetEncryptionKey(Id128 id, out byte[] key)
        {
            lock (_gate)
            {
                key = _entries.TryGetValue(id, out DirectoryEntry e) ? e.EncryptionKey : null;
                return key != null;
            }
        }

        /// <summary>
        /// The nodes <paramref name="recipient"/> may mean, first seen first: a full id is that node only (or none); anything
        /// else matches every node whose name it is (case-insensitive) and, when it is at least 4 hex digits, every node
        /// whose id starts with it. The caller refuses anything but exactly one (§4.3).
        /// </summary>
        public List<PeerDirectoryEntry> Find(string recipient, string nodeName)
        {
            string key = (recipient ?? string.Empty).Trim();
            lock (_gate)
            {
                if (Id128.TryParse(key, out Id128 id))
                {
                    var exact = new List<PeerDirectoryEntry>();
                    if (_entries.TryGetValue(id, out DirectoryEntry e)) exact.Add(e.ToPublic(nodeName));
                    return exact;
                }
                bool prefix = key.Length >= 4 && key.All(Uri.IsHexDigit);
                return _entries.Values
                    .Where(e => string.Equals(e.Name, key, StringComparison.OrdinalIgnoreCase) || (prefix && e.IdText.StartsWith(key, StringComparison.OrdinalIgnoreCase)))
                    .OrderBy(e => e.FirstSeenMs)
                    .Select(e => e.ToPublic(nodeName))
                    .ToList();
            }
        }

        public List<PeerDirectoryEntry> Snapshot(string nodeName)
        {
            lock (_gate)
            {
                return _entries.Values.OrderBy(e => e.Hops).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Select(e => e.ToPublic(nodeName)).ToList();
            }
        }

        private void Record(DirectoryEntry entry, string name, byte[] encryptionKey, int hops, long announcedAtMs, long now)
        {
            entry.Name = name;
            _bytes += entry.Weight;
            if (encryptionKey != null) entry.EncryptionKey = encryptionKey;
            entry.Hops = hops;
            entry.AnnouncedAtMs = announcedAtMs;
            entry.LastSeenMs = now;
            entry.LastSeen = _clock.GetLocalNow();
        }

        /// <summary>Seen again: to the end of its list; a newcomer seen again 10 minutes after it was first seen is known from now on.</summary>
        private void Touch(DirectoryEntry entry, long now)
        {
            LinkedList<DirectoryEntry> list = entry.Place.List;
            list.Remove(entry.Place);
            if (!entry.IsKnown && now - entry.FirstSeenMs >= _newcomerMs)
            {
                entry.IsKnown = true;
                list = _known;
            }
            entry.Place = list.AddLast(entry);
        }

        /// <summary>
        /// Evicts stale entries until <paramref name="count"/> more entries and <paramref name="bytes"/> more bytes fit; false
        /// (counted in Refused) when they cannot: every entry left is one the directory keeps. <paramref name="keep"/> is
        /// never evicted.
        /// </summary>
        private bool MakeRoom(int count, long bytes, long now, DirectoryEntry keep)
        {
            while (_entries.Count + count > Capacity || _bytes + bytes > MaxBytes)
            {
                if (!EvictStale(_newcomers, Tunables.NewcomerStaleAfter, now, keep) && !EvictStale(_known, Tunables.KnownStaleAfter, now, keep))
                {
                    _refused++;
                    return false;
                }
            }
            return true;
        }

        /// <summary>Evicts the entry of <paramref name="list"/> seen longest ago if it has not been seen for <paramref name="after"/>.</summary>
        private bool EvictStale(LinkedList<DirectoryEntry> list, TimeSpan after, long now, DirectoryEntry keep)
        {
            LinkedListNode<DirectoryEntry> oldest = list.First;
            if (oldest != null && oldest.Value == keep) oldest = oldest.Next;
            if (oldest == null || now - oldest.Value.LastSeenMs < (long)after.TotalMilliseconds) return false;
            DirectoryEntry gone = oldest.Value;
            list.Remove(oldest);
            _entries.Remove(gone.Id);
            _bytes -= gone.Weight;
            return true;
        }
    }
}
