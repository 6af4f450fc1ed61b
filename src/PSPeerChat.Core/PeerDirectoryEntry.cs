using System;

namespace PSPeerChat
{
    /// <summary>A node this node has heard of, from its signed announcement or its handshake (Get-PeerDirectory).</summary>
    public sealed class PeerDirectoryEntry
    {
        /// <summary>The node id: a hash of its signing key, so it cannot be claimed by another key.</summary>
        public string Id { get; internal set; }

        /// <summary>The first 8 hex digits of the id: the fingerprint shown beside names, which anyone can choose.</summary>
        public string ShortId => Id.Substring(0, 8);

        public string Name { get; internal set; }

        /// <summary>
        /// When this node first heard of it. A node first heard of less than 10 minutes ago is a newcomer: it cannot push
        /// anyone out of the directory, and a name or prefix it shares with another node is refused (protocol.md §4.3).
        /// </summary>
        public DateTimeOffset FirstSeen { get; internal set; }

        /// <summary>When this node last heard of it (its announcement or its handshake).</summary>
        public DateTimeOffset LastSeen { get; internal set; }

        /// <summary>Links between this node and that one when it last announced itself (1 = a neighbour).</summary>
        public int Hops { get; internal set; }

        /// <summary>True when a direct message can be sent to it (its encryption key is known).</summary>
        public bool CanReceiveDirect { get; internal set; }

        /// <summary>Name of the local node whose directory this is.</summary>
        public string Node { get; internal set; }

        public override string ToString() => Name + " (" + ShortId + ")";
    }
}
