namespace PSPeerChat.Flood
{
    /// <summary>Kinds of flooded work a link is budgeted for (protocol.md §8.8).</summary>
    internal enum FloodBudget
    {
        /// <summary>A MESSAGE or ANNOUNCE from an origin this node has not heard before: fresh identities are free to make.</summary>
        NewOrigin,
        /// <summary>A DIRECT not seen before: relays cannot check it, so nothing else limits junk ones.</summary>
        Direct,
    }
}
