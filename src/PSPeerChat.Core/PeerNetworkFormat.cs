namespace PSPeerChat
{
    /// <summary>What Show-PeerNetwork writes.</summary>
    public enum PeerNetworkFormat
    {
        /// <summary>A self-contained HTML page with an SVG drawing.</summary>
        Html,

        /// <summary>Graphviz DOT text.</summary>
        Dot,

        /// <summary>A Mermaid flowchart.</summary>
        Mermaid,
    }
}
