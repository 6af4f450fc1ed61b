namespace PSPeerChat
{
    /// <summary>
    /// One node of a network map (Get-PeerNetwork): a node that answered the crawl, or one that only appears in the
    /// link lists of others (Answered false: it declined, was too slow, or its answer was lost).
    /// </summary>
    public sealed class PeerNetworkNode
    {
        /// <summary>Node id, 32 hex digits.</summary>
        public string Id { get; set; }

        /// <summary>The first 8 hex digits of the id: the fingerprint shown beside the name.</summary>
        public string ShortId => Id == null ? string.Empty : Id.Substring(0, System.Math.Min(8, Id.Length));

        /// <summary>The name the node gave itself, or one of its neighbours reported for it; names are not unique.</summary>
        public string Name { get; set; }

        /// <summary>Links between this node and the asking node on the map, shortest path; -1 when the map does not connect them.</summary>
        public int Hops { get; set; } = -1;

        /// <summary>True when the node answered the crawl with its own links.</summary>
        public bool Answered { get; set; }

        /// <summary>True when the node answered but declined to tell its links (Start-PeerNode -DeclineNetworkProbes).</summary>
        public bool Declined { get; set; }

        /// <summary>True for the node that asked.</summary>
        public bool IsAsker { get; set; }

        /// <summary>The node's links as it reported them (for a node that did not answer: as its neighbours reported them).</summary>
        public int LinkCount { get; set; }

        /// <summary>The local node that made the map.</summary>
        public string Node { get; set; }

        public override string ToString() => Name + " (" + ShortId + ")";
    }
}
