using System;

namespace PSPeerChat.Crypto
{
    /// <summary>
    /// The check a backend passes before the engine uses it: RFC 8032 §7.1 TEST 1 (empty message) signed to the
    /// expected bytes and verified, and the same signature with one bit flipped refused.
    /// </summary>
    internal static class SelfTest
    {
        private static readonly byte[] Seed = Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        private static readonly byte[] PublicKey = Hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        private static readonly byte[] Signature = Hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

        /// <summary>Throws <see cref="InvalidOperationException"/> saying what went wrong.</summary>
        public static void Check(ICryptoBackend backend)
        {
            Ed25519SigningKey key = backend.SigningKey(Seed);
            if (!Same(key.PublicKey, PublicKey)) throw new InvalidOperationException("self-test: wrong public key for RFC 8032 TEST 1");
            var signature = new byte[64];
            key.Sign(new byte[0], 0, 0, signature, 0);
            if (!Same(signature, Signature)) throw new InvalidOperationException("self-test: wrong signature for RFC 8032 TEST 1");
            Ed25519PublicKey publicKey = backend.PublicKey(PublicKey, 0);
            if (publicKey == null || !publicKey.Verify(new byte[0], 0, 0, signature, 0)) throw new InvalidOperationException("self-test: RFC 8032 TEST 1 does not verify");
            signature[10] ^= 1;
            if (publicKey.Verify(new byte[0], 0, 0, signature, 0)) throw new InvalidOperationException("self-test: a changed signature verifies");
        }

        private static bool Same(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i]) return false;
            }
            return true;
        }

        private static byte[] Hex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return bytes;
        }
    }
}
