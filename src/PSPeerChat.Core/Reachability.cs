namespace PSPeerChat
{
    /// <summary>
    /// Whether a node's listen address answers from outside, as its neighbours found by dialling it back
    /// (protocol.md §3.11; shown by Get-PeerNode).
    /// </summary>
    public enum Reachability
    {
        /// <summary>Not known yet: no neighbour has dialled this node back (no neighbours, or none could tell).</summary>
        Unknown = 0,

        /// <summary>A neighbour dialled this node's listen port back and reached it.</summary>
        Reachable = 1,

        /// <summary>The neighbours asked tried to dial this node back and could not: it is behind NAT or a firewall.</summary>
        Unreachable = 2,
    }
}
