namespace PSPeerChat
{
    /// <summary>Lifecycle of a link.</summary>
    public enum PeerState
    {
        /// <summary>Socket open, handshake not finished.</summary>
        Handshaking,
        Connected,
        Closed,
    }
}
