using System;
using System.Collections.Generic;
using PSPeerChat.Settings;

namespace PSPeerChat.Identity
{
    /// <summary>One node of the directory, as this node has heard of it; guarded by the directory's lock.</summary>
    internal sealed class DirectoryEntry
    {
        public DirectoryEntry(Id128 id, long nowMs, DateTimeOffset now)
        {
            Id = id;
            IdText = id.ToString();
            FirstSeenMs = nowMs;
            FirstSeen = now;
        }

        public Id128 Id { get; }

        /// <summary>The id in hex, kept for prefix lookups.</summary>
        public string IdText { get; }

        public string Name { get; set; }

        public byte[] EncryptionKey { get; set; }

        public int Hops { get; set; }

        /// <summary>The origin's timestamp of the announcement recorded (an older one is ignored).</summary>
        public long AnnouncedAtMs { get; set; }

        /// <summary>When this node first heard of it (monotonic, for the newcomer period) and as a local time (shown).</summary>
        public long FirstSeenMs { get; }

        public DateTimeOffset FirstSeen { get; }

        public long LastSeenMs { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        /// <summary>Its place in the directory's newcomer or known list (ordered by when last seen).</summary>
        public LinkedListNode<DirectoryEntry> Place { get; set; }

        /// <summary>Bytes charged to the directory's bound for this entry.</summary>
        public long Weight => WeightOf(Name);

        /// <summary>A newcomer until it has been seen again at least <see cref="Tunables.NewcomerTime"/> after it was first seen.</summary>
        public bool IsKnown { get; set; }

        public static long WeightOf(string name) => Tunables.DirectoryEntryBytes + 2L * (name?.Length ?? 0);

        public PeerDirectoryEntry ToPublic(string nodeName) => new PeerDirectoryEntry
        {
            Id = IdText,
            Name = Name,
            FirstSeen = FirstSeen,
            LastSeen = LastSeen,
            Hops = Hops,
            CanReceiveDirect = EncryptionKey != null,
            Node = nodeName,
        };
    }
}
