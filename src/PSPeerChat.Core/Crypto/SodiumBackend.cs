using System;

namespace PSPeerChat.Crypto
{
    /// <summary>
    /// Ed25519 from libsodium (crypto_sign_*), about 1.5 times BouncyCastle's verifications and twice its signatures per
    /// core, with no managed allocation per call (docs/performance.md, "Crypto backend"). Arrays go to the library as
    /// pinned references (ref byte), never copied.
    /// </summary>
    internal sealed class SodiumBackend : ICryptoBackend
    {
        private static readonly byte[] Empty = new byte[1]; // a place to point at for an empty message

        private readonly SodiumLibrary _library;

        private SodiumBackend(SodiumLibrary library)
        {
            _library = library;
            Name = "libsodium " + library.Version;
        }

        public string Name { get; }

        /// <summary>The file the library was loaded from.</summary>
        public string Path => _library.Path;

        /// <summary>Loads libsodium from <paramref name="path"/> and checks it on RFC 8032 §7.1's first test; throws with the reason when either fails.</summary>
        public static SodiumBackend Load(string path)
        {
            var backend = new SodiumBackend(SodiumLibrary.Load(path));
            SelfTest.Check(backend);
            return backend;
        }

        public Ed25519SigningKey SigningKey(byte[] seed)
        {
            if (seed == null || seed.Length != Ed25519SigningKey.KeySize) throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
            var publicKey = new byte[32];
            var secretKey = new byte[64];
            if (_library.SeedKeypair(ref publicKey[0], ref secretKey[0], ref seed[0]) != 0) throw new InvalidOperationException("crypto_sign_seed_keypair failed.");
            return new SigningKeyImpl(_library, publicKey, secretKey);
        }

        public Ed25519PublicKey PublicKey(byte[] key, int offset)
        {
            // §8.2: a key must be a canonical point of the prime-order subgroup (no small-order component), checked
            // once per key here; crypto_sign_verify_detached then checks S, R and the cofactorless equation, and with
            // such a key an R that passes it is in the subgroup too.
            if (!Ed25519Rules.IsAcceptableKey(key, offset)) return null;
            var copy = new byte[32];
            Buffer.BlockCopy(key, offset, copy, 0, 32);
            if (_library.IsValidPoint(ref copy[0]) != 1) return null;
            return new PublicKeyImpl(_library, copy);
        }

        public ChaChaPoly ChaChaPoly() => new SodiumChaChaPoly(_library);

        internal static ref byte At(byte[] data, int offset, int length)
        {
            if (length == 0) return ref Empty[0];
            return ref data[offset];
        }

        private sealed class SigningKeyImpl : Ed25519SigningKey
        {
            private readonly SodiumLibrary _library;
            private readonly byte[] _secretKey; // seed || public key, libsodium's layout

            public SigningKeyImpl(SodiumLibrary library, byte[] publicKey, byte[] secretKey)
            {
                _library = library;
                PublicKey = publicKey;
                _secretKey = secretKey;
            }

            public override byte[] PublicKey { get; }

            public override byte[] Seed
            {
                get
                {
                    var seed = new byte[32];
                    Buffer.BlockCopy(_secretKey, 0, seed, 0, 32);
                    return seed;
                }
            }

            public override void Sign(byte[] data, int offset, int length, byte[] signature, int signatureOffset)
            {
                if ((uint)offset > (uint)data.Length || (uint)length > (uint)(data.Length - offset)) throw new ArgumentOutOfRangeException(nameof(length));
                if ((uint)signatureOffset > (uint)(signature.Length - SignatureSize)) throw new ArgumentOutOfRangeException(nameof(signatureOffset));
                if (_library.SignDetached(ref signature[signatureOffset], IntPtr.Zero, ref At(data, offset, length), (ulong)length, ref _secretKey[0]) != 0)
                {
                    throw new InvalidOperationException("crypto_sign_detached failed.");
                }
            }
        }

        private sealed class PublicKeyImpl : Ed25519PublicKey
        {
            private readonly SodiumLibrary _library;

            public PublicKeyImpl(SodiumLibrary library, byte[] key)
            {
                _library = library;
                Encoded = key;
            }

            public override byte[] Encoded { get; }

            public override bool Verify(byte[] data, int offset, int length, byte[] signature, int signatureOffset)
            {
                if (!Ed25519Rules.InRange(data, offset, length, signature, signatureOffset)) return false;
                if (!Ed25519Rules.IsAcceptableSignature(signature, signatureOffset)) return false;
                return _library.VerifyDetached(ref signature[signatureOffset], ref At(data, offset, length), (ulong)length, ref Encoded[0]) == 0;
            }
        }
    }
}
