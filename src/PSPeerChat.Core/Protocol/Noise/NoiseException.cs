using System;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>
    /// A Noise handshake or record failed: a message or record did not decrypt, was malformed or too large, a key was
    /// unusable, or the state was used out of turn (protocol.md §9). The link that saw it is to be closed; nothing
    /// of the failed message may be used.
    /// </summary>
    internal sealed class NoiseException : Exception
    {
        public NoiseException(string message)
            : base(message)
        {
        }
    }
}
