namespace PSPeerChat.Flood
{
    /// <summary>What the flood router needs of a link: somewhere to queue a frame without blocking.</summary>
    internal interface IFloodLink
    {
        /// <summary>
        /// Queues the frame; false when the link's bounded queue stayed full for <paramref name="waitMilliseconds"/>
        /// or the link is closing (the caller counts the drop). Relays pass 0: a slow peer must never stall the others.
        /// </summary>
        bool TryEnqueue(OutboundFrame frame, int waitMilliseconds);
    }
}
