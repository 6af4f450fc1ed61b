namespace PSPeerChat.Flood
{
    /// <summary>What a flooded frame that passed every check means for this node.</summary>
    internal enum FloodDelivery
    {
        /// <summary>Nothing to deliver: a duplicate, a replay, a DIRECT relayed for someone else, or the link was closed.</summary>
        None,
        /// <summary>A broadcast for the inbox.</summary>
        Message,
        /// <summary>A node's announcement, for the directory.</summary>
        Announce,
        /// <summary>A DIRECT for this node, opened and verified.</summary>
        Direct,
    }
}
