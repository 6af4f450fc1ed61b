namespace PSPeerChat
{
    /// <summary>Why a link closed; sent in a CLOSE frame (protocol.md §3.3) and shown on Peer.CloseReason.</summary>
    public enum CloseReason : byte
    {
        None = 0,
        /// <summary>The node is stopping.</summary>
        Shutdown = 1,
        /// <summary>The user asked for it (Disconnect-Peer).</summary>
        UserRequest = 2,
        /// <summary>Another link to the same node is kept instead.</summary>
        Duplicate = 3,
        /// <summary>The remote side sent bytes that break the protocol.</summary>
        ProtocolError = 4,
        /// <summary>A frame or line was larger than the limit.</summary>
        FrameTooLarge = 5,
        /// <summary>The address led back to this node.</summary>
        Self = 6,
        /// <summary>The remote side speaks a protocol version we do not.</summary>
        VersionMismatch = 7,
        /// <summary>No handshake arrived in time.</summary>
        HandshakeTimeout = 8,
        /// <summary>The node has no room for another link.</summary>
        Full = 9,
        /// <summary>The socket failed or the remote side went away without a CLOSE frame.</summary>
        ConnectionLost = 10,
        /// <summary>The remote side stopped reading: its send queue stayed full.</summary>
        Stalled = 11,
        /// <summary>The remote side kept sending over its budgets (or what does not open) past the fault limit.</summary>
        OverBudget = 12,
        /// <summary>A dial-back probe ended once Noise message 2 proved who listens there (protocol.md §3.11): no link was meant.</summary>
        DialBack = 13,

        /// <summary>
        /// The node holds more links than its upper bound (twice TargetPeers) and let this one go; the ADDR frame before
        /// the CLOSE named other nodes to try (protocol.md §4.2). Not a failure of either side.
        /// </summary>
        Shed = 14,
    }
}
