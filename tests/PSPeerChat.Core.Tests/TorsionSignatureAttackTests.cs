using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading.Tasks;
using PSPeerChat.Crypto;
using PSPeerChat.Identity;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The consensus attack on mixed crypto backends (protocol.md §8.2): a hostile origin signs with R = rB + T, T a
    /// point of order 8. BouncyCastle's cofactored equation accepts that, libsodium's cofactorless one does not. Without
    /// the rule, a BouncyCastle node delivers and relays it, and its libsodium neighbour closes the honest link between
    /// them as ProtocolError: the hostile node cuts honest links with one message. With it, the BouncyCastle node
    /// refuses the message on the hostile link, and the honest link stays up.
    /// </summary>
    public class TorsionSignatureAttackTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        [Fact]
        public void A_torsion_signature_verifies_under_raw_BouncyCastle_but_under_neither_backend()
        {
            var hostile = new TorsionBackend();
            Ed25519SigningKey key = hostile.SigningKey(RandomNumberGenerator.GetBytes(32));
            ((TorsionBackend.Key)key).Torsion = true;
            byte[] message = { 1, 2, 3, 4 };
            var signature = new byte[64];
            key.Sign(message, 0, message.Length, signature, 0);
            var raw = new Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters(key.PublicKey, 0);
            Assert.True(raw.Verify(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0, message.Length, signature, 0));
            Assert.False(BouncyCastleBackend.Instance.PublicKey(key.PublicKey, 0).Verify(message, 0, message.Length, signature, 0));
            Assert.False(Ed25519BackendTests.Sodium.PublicKey(key.PublicKey, 0).Verify(message, 0, message.Length, signature, 0));
        }

        [Fact]
        public async Task A_hostile_origin_cannot_make_a_libsodium_node_close_its_link_to_a_BouncyCastle_node()
        {
            var hostile = new TorsionBackend();
            ICryptoBackend[] backends = { hostile, BouncyCastleBackend.Instance, Ed25519BackendTests.Sodium };
            int next = 0;
            using var net = new TestNetwork(new[] { "hostile", "bouncy", "sodium" }, o => o.Identity = NodeIdentity.Create(backends[next++]));
            await net.LinkAsync(0, 1); // the handshake's identity payload was signed honestly at the node's start
            await net.LinkAsync(2, 1);
            Peer bouncyToSodium = net[1].GetPeers().Single(p => p.Id == net[2].Id);

            hostile.Last.Torsion = true;
            net[0].Broadcast("split the flood");

            await Eventually.UntilAsync(() => net[1].InvalidSignatures == 1, Wait, "the BouncyCastle node refused the torsion signature");
            await Eventually.UntilAsync(() => !TestNetwork.HasPeer(net[1], net[0]), Wait, "the BouncyCastle node closed the hostile link");
            Assert.Null(net[1].Receive(TimeSpan.FromMilliseconds(200), m => m.Text == "split the flood"));
            Assert.Null(net[2].Receive(TimeSpan.FromMilliseconds(500), m => m.Text == "split the flood"));
            Assert.Equal(0, net[2].InvalidSignatures);
            Assert.Equal(PeerState.Connected, bouncyToSodium.State);
            Assert.True(TestNetwork.HasPeer(net[2], net[1]));
        }

        /// <summary>
        /// The hostile signer: honest (BouncyCastle) until <see cref="Key.Torsion"/>, then S = r + k·a with R = rB + T,
        /// built with libsodium's group operations (crypto_core_ed25519_*), the attacker's own arithmetic.
        /// </summary>
        private sealed class TorsionBackend : ICryptoBackend
        {
            public Key Last { get; private set; }

            public string Name => "hostile";

            public Ed25519SigningKey SigningKey(byte[] seed) => Last = new Key(seed);

            public Ed25519PublicKey PublicKey(byte[] key, int offset) => BouncyCastleBackend.Instance.PublicKey(key, offset);

            public ChaChaPoly ChaChaPoly() => BouncyCastleBackend.Instance.ChaChaPoly();

            internal sealed class Key : Ed25519SigningKey
            {
                private static readonly byte[] OrderEight = Convert.FromHexString("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
                private readonly Ed25519SigningKey _honest;
                private readonly byte[] _scalar; // a, reduced mod L

                public Key(byte[] seed)
                {
                    _honest = BouncyCastleBackend.Instance.SigningKey(seed);
                    byte[] h = SHA512.HashData(seed);
                    h[0] &= 248;
                    h[31] &= 127;
                    h[31] |= 64;
                    var wide = new byte[64];
                    Array.Copy(h, wide, 32);
                    _scalar = new byte[32];
                    Core.ScalarReduce(_scalar, wide);
                }

                public volatile bool Torsion;

                public override byte[] PublicKey => _honest.PublicKey;

                public override byte[] Seed => _honest.Seed;

                public override void Sign(byte[] data, int offset, int length, byte[] signature, int signatureOffset)
                {
                    if (!Torsion)
                    {
                        _honest.Sign(data, offset, length, signature, signatureOffset);
                        return;
                    }
                    var r = new byte[32];
                    Core.ScalarReduce(r, RandomNumberGenerator.GetBytes(64));
                    var rB = new byte[32];
                    var bigR = new byte[32];
                    Assert.Equal(0, Core.BaseNoClamp(rB, r));
                    Assert.Equal(0, Core.Add(bigR, rB, OrderEight));
                    byte[] hashed = SHA512.HashData(bigR.Concat(PublicKey).Concat(data.Skip(offset).Take(length)).ToArray());
                    var k = new byte[32];
                    Core.ScalarReduce(k, hashed);
                    var ka = new byte[32];
                    var s = new byte[32];
                    Core.ScalarMul(ka, k, _scalar);
                    Core.ScalarAdd(s, r, ka);
                    Buffer.BlockCopy(bigR, 0, signature, signatureOffset, 32);
                    Buffer.BlockCopy(s, 0, signature, signatureOffset + 32, 32);
                }
            }
        }

        /// <summary>libsodium's group and scalar operations, from the same file the engine loads.</summary>
        private static class Core
        {
            [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void Reduce(byte[] r, byte[] s);
            [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void Binary(byte[] z, byte[] x, byte[] y);
            [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int Base(byte[] q, byte[] n);
            [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int PointAdd(byte[] r, byte[] p, byte[] q);

            private static readonly IntPtr Handle = NativeLoader.Load(SodiumLibrary.DefaultPath(out _));

            public static readonly Action<byte[], byte[]> ScalarReduce = (r, s) => NativeLoader.Function<Reduce>(Handle, "crypto_core_ed25519_scalar_reduce")(r, s);
            public static readonly Action<byte[], byte[], byte[]> ScalarMul = (z, x, y) => NativeLoader.Function<Binary>(Handle, "crypto_core_ed25519_scalar_mul")(z, x, y);
            public static readonly Action<byte[], byte[], byte[]> ScalarAdd = (z, x, y) => NativeLoader.Function<Binary>(Handle, "crypto_core_ed25519_scalar_add")(z, x, y);
            public static readonly Func<byte[], byte[], int> BaseNoClamp = (q, n) => NativeLoader.Function<Base>(Handle, "crypto_scalarmult_ed25519_base_noclamp")(q, n);
            public static readonly Func<byte[], byte[], byte[], int> Add = (r, p, q) => NativeLoader.Function<PointAdd>(Handle, "crypto_core_ed25519_add")(r, p, q);
        }
    }
}
