namespace PSPeerChat.Protocol
{
    /// <summary>What a PROBE asks (protocol.md §11.1).</summary>
    internal enum ProbeKind : byte
    {
        /// <summary>Get-PeerNetwork: answer with your links.</summary>
        Map = 1,

        /// <summary>Test-PeerNetwork: answer with a receipt (when and after how many hops it came).</summary>
        Reach = 2,
    }
}
