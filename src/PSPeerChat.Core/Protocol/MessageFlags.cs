using System;

namespace PSPeerChat.Protocol
{
    /// <summary>Flag bits of a MESSAGE frame (protocol.md §3.2); DIRECT uses bit 1 too (§3.9).</summary>
    [Flags]
    internal enum MessageFlags : byte
    {
        None = 0,
        /// <summary>The text came from a plain text peer: the origin id is the gateway node, the name is the text peer's address.</summary>
        TextOrigin = 1,
        /// <summary>An 8-byte proof-of-work nonce sits before the hop count (protocol.md §3.10); MESSAGE and DIRECT only.</summary>
        ProofOfWork = 2,
        // Bit 2 (0x04) is taken by the JSON content flag of another change of version 5; not used here.
        /// <summary>The text bytes are sealed with a private channel's key (protocol.md §3.12); MESSAGE only.</summary>
        Sealed = 8,
    }
}
