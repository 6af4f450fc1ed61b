namespace PSPeerChat.Flood
{
    /// <summary>What the flood router did with one received message.</summary>
    internal enum RouteResult
    {
        /// <summary>First sighting: deliver it locally (it was relayed where the hop limit allowed).</summary>
        Deliver,
        /// <summary>Seen before: dropped.</summary>
        Duplicate,
        /// <summary>Our own message came back (its id had left the seen cache): dropped, never delivered to ourselves.</summary>
        SelfEcho,
        /// <summary>A copy of a known message with fewer hops than any before: relayed again, not delivered.</summary>
        RelayedAgain,
    }
}
