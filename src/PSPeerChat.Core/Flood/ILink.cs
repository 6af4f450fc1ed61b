namespace PSPeerChat.Flood
{
    /// <summary>What the flood needs of a link: somewhere to queue a frame without blocking, and a way to end it.</summary>
    internal interface ILink
    {
        /// <summary>
        /// Queues the frame; false when the link's bounded queue stayed full for <paramref name="waitMilliseconds"/>
        /// or the link is closing (the caller counts the drop). Relays pass 0: a slow peer must never stall the others.
        /// </summary>
        bool TryEnqueue(OutboundFrame frame, int waitMilliseconds);

        /// <summary>Closes the link with a reason its neighbour is told.</summary>
        void Close(CloseReason reason, string detail);

        /// <summary>
        /// The neighbour sent what no honest node sends (a malformed or forged frame): closes the link with ProtocolError,
        /// and its address is discouraged for a while (protocol.md §8.7).
        /// </summary>
        void Misbehaved(string detail);

        /// <summary>Spends one unit of this link's budget for <paramref name="kind"/>; false when it is spent (the frame is dropped).</summary>
        bool TrySpend(FloodBudget kind);

        /// <summary>The neighbour's node id (proven by its handshake); empty for text peers.</summary>
        Identity.Id128 RemoteId { get; }

        /// <summary>
        /// One fault an honest relay can hand over now and then but a misbehaving neighbour sends in bulk (a frame over
        /// budget, a DIRECT for us that does not open, protocol.md §8.7). True when it was one too many: the link is closed.
        /// </summary>
        bool Fault(string what);
    }
}
