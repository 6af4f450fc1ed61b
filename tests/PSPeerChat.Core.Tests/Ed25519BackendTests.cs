using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Security.Cryptography;
using PSPeerChat.Crypto;
using PSPeerChat.Identity;
using Xunit;
using Xunit.Abstractions;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The two crypto backends (protocol.md §8.2, docs/performance.md "Crypto backend"): both sign RFC 8032's vectors
    /// to the byte, verify each other's signatures, and give the same verdict on every edge case, so a flood never
    /// splits between a libsodium node and a BouncyCastle node.
    /// </summary>
    public class Ed25519BackendTests
    {
        private readonly ITestOutputHelper _out;

        public Ed25519BackendTests(ITestOutputHelper output) => _out = output;

        /// <summary>libsodium as this machine loads it from the test's output folder (runtimes/&lt;rid&gt;/native); the CI machines have a build.</summary>
        internal static ICryptoBackend Sodium
        {
            get
            {
                CryptoChoice choice = CryptoBackends.Choose("Sodium", null);
                Assert.True(choice.Backend is SodiumBackend, choice.Description);
                return choice.Backend;
            }
        }

        internal static ICryptoBackend Bouncy => BouncyCastleBackend.Instance;

        public static IEnumerable<object[]> Backends() => new[] { new object[] { "BouncyCastle" }, new object[] { "libsodium" } };

        private static ICryptoBackend Named(string name) => name == "libsodium" ? Sodium : Bouncy;

        private static bool Verifies(ICryptoBackend backend, byte[] key, byte[] message, byte[] signature)
        {
            Ed25519PublicKey publicKey = backend.PublicKey(key, 0);
            return publicKey != null && publicKey.Verify(message, 0, message.Length, signature, 0);
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void Rfc8032_vectors_sign_to_the_byte_and_verify(string name)
        {
            ICryptoBackend backend = Named(name);
            foreach (string[] v in Ed25519Vectors.Rfc8032)
            {
                byte[] seed = Convert.FromHexString(v[0]), key = Convert.FromHexString(v[1]), message = Convert.FromHexString(v[2]), expected = Convert.FromHexString(v[3]);
                Ed25519SigningKey signer = backend.SigningKey(seed);
                Assert.Equal(key, signer.PublicKey);
                Assert.Equal(seed, signer.Seed);
                var signature = new byte[64];
                signer.Sign(message, 0, message.Length, signature, 0);
                Assert.Equal(expected, signature);
                Assert.True(Verifies(backend, key, message, expected));
                if (message.Length > 0)
                {
                    byte[] changed = (byte[])message.Clone();
                    changed[0] ^= 0x01;
                    Assert.False(Verifies(backend, key, changed, expected));
                }
            }
        }

        [Fact]
        public void Each_backend_verifies_what_the_other_signs_and_both_refuse_a_change()
        {
            ICryptoBackend sodium = Sodium;
            var random = new Random(8032);
            for (int i = 0; i < 200; i++)
            {
                byte[] seed = RandomNumberGenerator.GetBytes(32);
                byte[] message = RandomNumberGenerator.GetBytes(random.Next(0, 300));
                Ed25519SigningKey a = sodium.SigningKey(seed), b = Bouncy.SigningKey(seed);
                Assert.Equal(a.PublicKey, b.PublicKey);
                // At an offset inside larger buffers, as the frames sign and verify.
                var buffer = new byte[message.Length + 7];
                Buffer.BlockCopy(message, 0, buffer, 5, message.Length);
                var bySodium = new byte[70];
                var byBouncy = new byte[70];
                a.Sign(buffer, 5, message.Length, bySodium, 3);
                b.Sign(buffer, 5, message.Length, byBouncy, 3);
                Assert.Equal(byBouncy, bySodium); // Ed25519 is deterministic
                foreach (ICryptoBackend verifier in new[] { sodium, Bouncy })
                {
                    Ed25519PublicKey key = verifier.PublicKey(a.PublicKey, 0);
                    Assert.True(key.Verify(buffer, 5, message.Length, bySodium, 3));
                    if (message.Length > 0)
                    {
                        byte[] tampered = (byte[])buffer.Clone();
                        tampered[5 + random.Next(message.Length)] ^= (byte)(1 << random.Next(8));
                        Assert.False(key.Verify(tampered, 5, message.Length, bySodium, 3));
                    }
                    byte[] badSignature = (byte[])bySodium.Clone();
                    badSignature[3 + random.Next(64)] ^= (byte)(1 << random.Next(8));
                    Assert.False(key.Verify(buffer, 5, message.Length, badSignature, 3));
                }
            }
        }

        [Fact]
        public void Both_backends_give_the_same_verdict_on_every_edge_case_and_accept_only_torsion_free_signatures()
        {
            ICryptoBackend sodium = Sodium;
            var disagreements = new List<string>();
            var accepted = new List<string>();
            List<Ed25519Vectors.EdgeCase> cases = Ed25519Vectors.EdgeCases();
            Assert.Equal(914, cases.Count);
            foreach (Ed25519Vectors.EdgeCase v in cases)
            {
                bool bySodium = Verifies(sodium, v.Key, v.Message, v.Signature), byBouncy = Verifies(Bouncy, v.Key, v.Message, v.Signature);
                if (bySodium != byBouncy) disagreements.Add(v + " libsodium " + bySodium + ", BouncyCastle " + byBouncy);
                if (bySodium) accepted.Add(v.ToString());
            }
            Assert.Empty(disagreements);
            // §8.2: any low-order part of A or R (a low-order point, a mixed-order point, a residue only a cofactored
            // equation accepts) or a non-canonical encoding is refused; the one clean vector verifies.
            Assert.Equal(new[] { "#" + cases.Single(c => c.Flags.Count == 0).Number + " []" }, accepted);
        }

        [Fact]
        public void Without_the_rules_the_libraries_disagree_on_these_vectors()
        {
            // What the rules of §8.2 close: the raw libraries split on 169 of the 914 vectors (BouncyCastle accepts
            // small-order R and cofactored residues). If this changes, a library update changed its verdicts: re-check §8.2.
            SodiumLibrary raw = SodiumLibrary.Load(SodiumLibrary.DefaultPath(out _));
            int differ = 0;
            foreach (Ed25519Vectors.EdgeCase v in Ed25519Vectors.EdgeCases())
            {
                bool bySodium = raw.VerifyDetached(ref v.Signature[0], ref v.Message[0], (ulong)v.Message.Length, ref v.Key[0]) == 0;
                bool byBouncy;
                try
                {
                    byBouncy = new Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters(v.Key, 0).Verify(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, v.Message, 0, v.Message.Length, v.Signature, 0);
                }
                catch (ArgumentException)
                {
                    byBouncy = false;
                }
                if (bySodium != byBouncy) differ++;
            }
            Assert.Equal(169, differ);
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void A_signature_with_S_not_below_the_order_is_refused(string name)
        {
            // The malleability of RFC 8032 §5.1.7 step 1 (ZIP-215 accepts it): S + L verifies under a lax equation.
            ICryptoBackend backend = Named(name);
            Ed25519SigningKey key = backend.SigningKey(RandomNumberGenerator.GetBytes(32));
            byte[] message = { 1, 2, 3 };
            var signature = new byte[64];
            key.Sign(message, 0, message.Length, signature, 0);
            BigInteger order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");
            BigInteger s = new BigInteger(signature.AsSpan(32, 32), isUnsigned: true);
            foreach (BigInteger bad in new[] { s + order, order })
            {
                byte[] forged = (byte[])signature.Clone();
                Array.Clear(forged, 32, 32);
                bad.TryWriteBytes(forged.AsSpan(32), out _, isUnsigned: true);
                Assert.False(Verifies(backend, key.PublicKey, message, forged));
            }
            Assert.True(Verifies(backend, key.PublicKey, message, signature));
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void The_node_verifier_uses_its_backend_and_refuses_a_key_that_is_not_the_claimed_id(string name)
        {
            ICryptoBackend backend = Named(name);
            NodeIdentity signer = NodeIdentity.Create(backend);
            NodeIdentity other = NodeIdentity.Create(backend);
            Assert.Same(backend, signer.Crypto);
            byte[] data = { 9, 8, 7, 6 };
            var signature = new byte[64];
            signer.Sign(data, 0, data.Length, signature, 0);
            var verifier = new SignatureVerifier(backend);
            Assert.True(verifier.Verify(signer.NodeId, signer.SigningPublicKey, 0, data, 0, data.Length, signature, 0));
            Assert.True(verifier.Verify(signer.NodeId, signer.SigningPublicKey, 0, data, 0, data.Length, signature, 0)); // cached key
            Assert.False(verifier.Verify(other.NodeId, signer.SigningPublicKey, 0, data, 0, data.Length, signature, 0));
            NodeIdentity again = NodeIdentity.FromPrivateKeys(signer.ExportSigningSeed(), signer.ExportEncryptionKey(), name == "libsodium" ? Bouncy : Sodium);
            Assert.Equal(signer.SigningPublicKey, again.SigningPublicKey);
            Assert.Equal(signer.NodeId, again.NodeId);
        }
    }
}
