using System;

namespace PSPeerChat.Protocol
{
    /// <summary>Flag bits of a MESSAGE frame (protocol.md §3.2).</summary>
    [Flags]
    internal enum MessageFlags : byte
    {
        None = 0,
        /// <summary>The text came from a plain text peer: the origin id is the gateway node, the name is the text peer's address.</summary>
        TextOrigin = 1,
    }
}
