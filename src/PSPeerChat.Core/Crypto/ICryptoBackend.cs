namespace PSPeerChat.Crypto
{
    /// <summary>
    /// The one seam between the engine and a crypto library (docs/architecture.md, "Crypto backend"): Ed25519 signing
    /// and verification, the work a flood is bound by, and the links' ChaCha20-Poly1305. <see cref="CryptoBackends.Current"/> picks one per process at
    /// load time: <see cref="SodiumBackend"/> when libsodium loads and passes its self-test, else
    /// <see cref="BouncyCastleBackend"/>. Both give the same verdict on every input (protocol.md §8.2, <see cref="Ed25519Rules"/>).
    /// </summary>
    internal interface ICryptoBackend
    {
        /// <summary>What the user sees in Get-PeerNode: "libsodium 1.0.22" or "BouncyCastle 2.7.0".</summary>
        string Name { get; }

        /// <summary>A signing key from its 32-byte seed (RFC 8032 §5.1.5), with its public key computed once.</summary>
        Ed25519SigningKey SigningKey(byte[] seed);

        /// <summary>
        /// A public key ready to verify with, or null when the 32 bytes at <paramref name="offset"/> can never verify
        /// (not a point, a non-canonical encoding or a small-order point: §8.2). Decoding costs; callers cache the result.
        /// </summary>
        Ed25519PublicKey PublicKey(byte[] key, int offset);

        /// <summary>A ChaCha20-Poly1305 cipher for one owner (a Noise CipherState).</summary>
        ChaChaPoly ChaChaPoly();
    }
}
