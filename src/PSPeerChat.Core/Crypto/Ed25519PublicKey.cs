namespace PSPeerChat.Crypto
{
    /// <summary>An Ed25519 public key decoded by one backend, already checked against §8.2's key rules; thread-safe.</summary>
    internal abstract class Ed25519PublicKey
    {
        /// <summary>The 32 bytes it was made from.</summary>
        public abstract byte[] Encoded { get; }

        /// <summary>
        /// True when the 64 bytes at <paramref name="signatureOffset"/> sign the data under this key by the rule of
        /// protocol.md §8.2 (canonical S and R, R not of small order, cofactorless equation). Never throws on bad input.
        /// </summary>
        public abstract bool Verify(byte[] data, int offset, int length, byte[] signature, int signatureOffset);
    }
}
