namespace PSPeerChat
{
    /// <summary>Lifecycle of a node.</summary>
    public enum PeerNodeState
    {
        Running,
        Stopping,
        Stopped,
    }
}
