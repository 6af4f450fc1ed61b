namespace PSPeerChat.Crypto
{
    /// <summary>An Ed25519 private key held by one backend; thread-safe.</summary>
    internal abstract class Ed25519SigningKey
    {
        public const int KeySize = 32;
        public const int SignatureSize = 64;

        /// <summary>The 32-byte public key (RFC 8032 §5.1.5).</summary>
        public abstract byte[] PublicKey { get; }

        /// <summary>The 32-byte seed the key was made from (what the identity file keeps).</summary>
        public abstract byte[] Seed { get; }

        /// <summary>Signs <paramref name="length"/> bytes at <paramref name="offset"/>; writes 64 bytes at <paramref name="signatureOffset"/>.</summary>
        public abstract void Sign(byte[] data, int offset, int length, byte[] signature, int signatureOffset);
    }
}
