using System;
using System.Collections.Generic;
using System.Linq;

namespace PSPeerChat.Identity
{
    /// <summary>
    /// Who is out there (protocol.md §4.3): ids, names and public keys from signed announcements and handshakes.
    /// Bounded: when full, the node heard of longest ago makes room.
    /// </summary>
    internal sealed class PeerDirectory
    {
        private readonly object _gate = new object();
        private readonly Dictionary<Id128, Entry> _entries = new Dictionary<Id128, Entry>();

        public PeerDirectory(int capacity)
        {
            Capacity = capacity;
        }

        public int Capacity { get; }

        public int Count
        {
            get { lock (_gate) return _entries.Count; }
        }

        /// <summary>Records what a verified announcement or handshake said; true when the node was not known before.</summary>
        public bool Learn(Id128 id, string name, byte[] encryptionKey, int hops, long announcedAtMs)
        {
            lock (_gate)
            {
                bool isNew = !_entries.TryGetValue(id, out Entry entry);
                if (isNew)
                {
                    if (_entries.Count >= Capacity)
                    {
                        Entry oldest = _entries.Values.OrderBy(e => e.LastSeen).First();
                        _entries.Remove(oldest.Id);
                    }
                    entry = new Entry { Id = id };
                    _entries.Add(id, entry);
                }
                else if (announcedAtMs < entry.AnnouncedAtMs)
                {
                    return false; // an older announcement that took a longer path: keep the newer facts
                }
                entry.Name = name;
                if (encryptionKey != null) entry.EncryptionKey = encryptionKey;
                entry.Hops = hops;
                entry.AnnouncedAtMs = announcedAtMs;
                entry.LastSeen = DateTimeOffset.Now;
                return isNew;
            }
        }

        public bool TryGetEncryptionKey(Id128 id, out byte[] key)
        {
            lock (_gate)
            {
                key = _entries.TryGetValue(id, out Entry e) ? e.EncryptionKey : null;
                return key != null;
            }
        }

        /// <summary>
        /// Finds a node by full id, unique id prefix (at least 4 hex digits) or name (case-insensitive).
        /// Returns the matches: none (unknown), one, or several (ambiguous).
        /// </summary>
        public List<PeerDirectoryEntry> Find(string idOrName, string nodeName)
        {
            string key = (idOrName ?? string.Empty).Trim();
            lock (_gate)
            {
                List<Entry> matches = _entries.Values.Where(e => e.Id.ToString().Equals(key, StringComparison.OrdinalIgnoreCase)).ToList();
                if (matches.Count == 0 && key.Length >= 4 && key.All(Uri.IsHexDigit))
                {
                    matches = _entries.Values.Where(e => e.Id.ToString().StartsWith(key, StringComparison.OrdinalIgnoreCase)).ToList();
                }
                if (matches.Count == 0)
                {
                    matches = _entries.Values.Where(e => string.Equals(e.Name, key, StringComparison.OrdinalIgnoreCase)).ToList();
                }
                return matches.Select(e => e.ToPublic(nodeName)).ToList();
            }
        }

        public List<PeerDirectoryEntry> Snapshot(string nodeName)
        {
            lock (_gate)
            {
                return _entries.Values.OrderBy(e => e.Hops).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Select(e => e.ToPublic(nodeName)).ToList();
            }
        }

        private sealed class Entry
        {
            public Id128 Id;
            public string Name;
            public byte[] EncryptionKey;
            public int Hops;
            public long AnnouncedAtMs;
            public DateTimeOffset LastSeen;

            public PeerDirectoryEntry ToPublic(string nodeName) => new PeerDirectoryEntry
            {
                Id = Id.ToString(),
                Name = Name,
                LastSeen = LastSeen,
                Hops = Hops,
                CanReceiveDirect = EncryptionKey != null,
                Node = nodeName,
            };
        }
    }
}
