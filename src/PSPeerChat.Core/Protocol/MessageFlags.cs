using System;

namespace PSPeerChat.Protocol
{
    /// <summary>Flag bits of a MESSAGE frame (protocol.md §3.2); DIRECT uses bit 1 too (§3.9), and bit 2 in its plaintext's contentFlags.</summary>
    [Flags]
    internal enum MessageFlags : byte
    {
        None = 0,
        /// <summary>The text came from a plain text peer: the origin id is the gateway node, the name is the text peer's address.</summary>
        TextOrigin = 1,
        /// <summary>An 8-byte proof-of-work nonce sits before the hop count (protocol.md §3.10); MESSAGE and DIRECT only.</summary>
        ProofOfWork = 2,
        /// <summary>The text bytes are sealed with a private channel's key (protocol.md §3.12); MESSAGE only.</summary>
        Sealed = 8,
        /// <summary>The text is a JSON document, an object sent through the pipeline (protocol.md §3.13); in a DIRECT, bit 2 of the plaintext's contentFlags.</summary>
        Json = 4,
    }
}
