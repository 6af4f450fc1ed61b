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
