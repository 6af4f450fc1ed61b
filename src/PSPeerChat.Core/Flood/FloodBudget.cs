namespace PSPeerChat.Flood
{
    /// <summary>Kinds of flooded work a link is budgeted for (protocol.md §8.8).</summary>
    internal enum FloodBudget
    {
        /// <summary>A MESSAGE or ANNOUNCE from an origin this node has not heard before: fresh identities are free to make.</summary>
        NewOrigin,
        /// <summary>A DIRECT not seen before: relays cannot check it, so nothing else limits junk ones.</summary>
        Direct,
        /// <summary>An ANNOUNCE not seen before: each one costs every node a signature check and may make it announce too.</summary>
        Announce,
        /// <summary>An ANNOUNCE of the neighbour's own (its id is the origin): honest nodes send one a minute, and after a change one every 2 s at most.</summary>
        OwnAnnounce,
    }
}
