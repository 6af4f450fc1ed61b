using System;
using System.Reflection;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace PSPeerChat.Crypto
{
    /// <summary>Ed25519 from BouncyCastle (managed, every platform): the fallback when libsodium does not load, and the reference the tests compare with.</summary>
    internal sealed class BouncyCastleBackend : ICryptoBackend
    {
        public static readonly BouncyCastleBackend Instance = new BouncyCastleBackend();

        private BouncyCastleBackend()
        {
            // The package version (2.7.0); the assembly version stays 2.0.0 across 2.x.
            var informational = (AssemblyInformationalVersionAttribute)Attribute.GetCustomAttribute(typeof(Ed25519).Assembly, typeof(AssemblyInformationalVersionAttribute));
            string version = informational?.InformationalVersion ?? typeof(Ed25519).Assembly.GetName().Version.ToString(3);
            int plus = version.IndexOf('+');
            Name = "BouncyCastle " + (plus > 0 ? version.Substring(0, plus) : version);
        }

        public string Name { get; }

        public Ed25519SigningKey SigningKey(byte[] seed)
        {
            if (seed == null || seed.Length != Ed25519SigningKey.KeySize) throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
            return new SigningKeyImpl(new Ed25519PrivateKeyParameters(seed, 0));
        }

        public Ed25519PublicKey PublicKey(byte[] key, int offset)
        {
            // §8.2: a canonical point of the prime-order subgroup (ValidatePublicKeyFull multiplies by the order), once per key.
            if (!Ed25519Rules.IsAcceptableKey(key, offset) || !Ed25519.ValidatePublicKeyFull(key, offset)) return null;
            try
            {
                return new PublicKeyImpl(new Ed25519PublicKeyParameters(key, offset));
            }
            catch (ArgumentException)
            {
                return null; // not a point
            }
        }

        public ChaChaPoly ChaChaPoly() => new BouncyCastleChaChaPoly();

        private sealed class SigningKeyImpl : Ed25519SigningKey
        {
            private readonly Ed25519PrivateKeyParameters _key;

            public SigningKeyImpl(Ed25519PrivateKeyParameters key)
            {
                _key = key;
                PublicKey = key.GeneratePublicKey().GetEncoded();
            }

            public override byte[] PublicKey { get; }

            public override byte[] Seed => _key.GetEncoded();

            public override void Sign(byte[] data, int offset, int length, byte[] signature, int signatureOffset)
            {
                _key.Sign(Ed25519.Algorithm.Ed25519, null, data, offset, length, signature, signatureOffset);
            }
        }

        private sealed class PublicKeyImpl : Ed25519PublicKey
        {
            private readonly Ed25519PublicKeyParameters _key;

            public PublicKeyImpl(Ed25519PublicKeyParameters key)
            {
                _key = key;
                Encoded = key.GetEncoded();
            }

            public override byte[] Encoded { get; }

            public override bool Verify(byte[] data, int offset, int length, byte[] signature, int signatureOffset)
            {
                if (!Ed25519Rules.InRange(data, offset, length, signature, signatureOffset)) return false;
                if (!Ed25519Rules.IsAcceptableSignature(signature, signatureOffset)) return false;
                bool valid;
                try
                {
                    valid = _key.Verify(Ed25519.Algorithm.Ed25519, null, data, offset, length, signature, signatureOffset);
                }
                catch (ArgumentException)
                {
                    return false;
                }
                // BouncyCastle's equation is cofactored (8SB = 8R + 8kA): it also accepts R = SB - kA + T for a small-order
                // T, which libsodium's cofactorless equation refuses. R in the prime-order subgroup rules T out, so both
                // agree (§8.2). Checked only when the signature is otherwise good: the cost falls on valid traffic only.
                return valid && Ed25519.ValidatePublicKeyFull(signature, signatureOffset);
            }
        }
    }
}
