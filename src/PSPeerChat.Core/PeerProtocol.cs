namespace PSPeerChat
{
    /// <summary>How a link talks, or how a message entered the network.</summary>
    public enum PeerProtocol
    {
        /// <summary>The binary, length-prefixed PSPeerChat protocol (docs/protocol.md).</summary>
        PeerChat,
        /// <summary>The article's plain protocol: one UTF-8 line per message, no handshake (its Go node, nc).</summary>
        Text,
    }
}
