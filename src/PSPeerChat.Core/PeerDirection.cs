namespace PSPeerChat
{
    /// <summary>Which side dialled a link.</summary>
    public enum PeerDirection
    {
        /// <summary>The remote side dialled this node.</summary>
        Inbound,
        /// <summary>This node dialled the remote side.</summary>
        Outbound,
    }
}
