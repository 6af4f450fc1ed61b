using System;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

using PSPeerChat.Crypto;

namespace PSPeerChat.Identity
{
    /// <summary>
    /// A node's keys (protocol.md §8): Ed25519 to sign, X25519 to receive encrypted direct messages.
    /// The node id is the first 16 bytes of SHA-256 of the Ed25519 public key, so an id proves nothing
    /// by itself but can always be checked against the key that claims it.
    /// </summary>
    internal sealed class NodeIdentity
    {
        public const int KeySize = 32;
        public const int SignatureSize = 64;

        private static readonly SecureRandom Random = new SecureRandom();
        private readonly Ed25519SigningKey _signing;
        private readonly X25519PrivateKeyParameters _encryption;

        private NodeIdentity(ICryptoBackend crypto, byte[] signingSeed, X25519PrivateKeyParameters encryption)
        {
            Crypto = crypto ?? CryptoBackends.Current;
            _signing = Crypto.SigningKey(signingSeed);
            _encryption = encryption;
            SigningPublicKey = _signing.PublicKey;
            EncryptionPublicKey = encryption.GeneratePublicKey().GetEncoded();
            NodeId = IdFromKey(SigningPublicKey, 0);
        }

        public Id128 NodeId { get; }

        public byte[] SigningPublicKey { get; }

        public byte[] EncryptionPublicKey { get; }

        /// <summary>The backend that signs for this identity, and verifies for the node that uses it.</summary>
        public ICryptoBackend Crypto { get; }

        internal X25519PrivateKeyParameters EncryptionKey => _encryption;

        /// <summary>A fresh identity from the cryptographic RNG; <paramref name="crypto"/> null is the process's backend.</summary>
        public static NodeIdentity Create(ICryptoBackend crypto = null)
        {
            var seed = new byte[KeySize];
            Random.NextBytes(seed);
            return new NodeIdentity(crypto, seed, new X25519PrivateKeyParameters(Random));
        }

        /// <summary>Rebuilds an identity from its two 32-byte private keys.</summary>
        public static NodeIdentity FromPrivateKeys(byte[] signingSeed, byte[] encryptionKey, ICryptoBackend crypto = null)
        {
            if (signingSeed == null || signingSeed.Length != KeySize) throw new ArgumentException("The signing key must be 32 bytes.", nameof(signingSeed));
            if (encryptionKey == null || encryptionKey.Length != KeySize) throw new ArgumentException("The encryption key must be 32 bytes.", nameof(encryptionKey));
            return new NodeIdentity(crypto, (byte[])signingSeed.Clone(), new X25519PrivateKeyParameters(encryptionKey, 0));
        }

        public byte[] ExportSigningSeed() => _signing.Seed;

        public byte[] ExportEncryptionKey() => _encryption.GetEncoded();

        /// <summary>The node id a signing key stands for.</summary>
        public static Id128 IdFromKey(byte[] key, int offset)
        {
            using (SHA256 sha = SHA256.Create())
            {
                byte[] hash = sha.ComputeHash(key, offset, KeySize);
                return Id128.Read(hash, 0);
            }
        }

        /// <summary>Signs <paramref name="length"/> bytes at <paramref name="offset"/>; writes 64 bytes at <paramref name="signatureOffset"/>.</summary>
        public void Sign(byte[] data, int offset, int length, byte[] signature, int signatureOffset)
        {
            _signing.Sign(data, offset, length, signature, signatureOffset);
        }
    }
}
