using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The handshake of versions 4 and 5 (protocol.md §3.1, §9) proves that each side holds the identity its node id stands for,
    /// inside Noise XX. Impostors, on either side of a dial, are refused and never registered; the victim's real link
    /// is untouched; other versions get a clear CLOSE. B is node 0, C (the victim) node 1.
    /// </summary>
    public class LinkHandshakeTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        /// <summary>B linked to C, and a count of the PeerConnected events B raises for C's id from now on.</summary>
        private sealed class Scene : IDisposable
        {
            private int _connectedAsVictim;

            private Scene(TestNetwork net, Peer victimLink)
            {
                Net = net;
                VictimLink = victimLink;
                B.PeerConnected += (_, e) => { if (e.Peer.Id == C.Id) Interlocked.Increment(ref _connectedAsVictim); };
            }

            public static async Task<Scene> StartAsync(string prefix)
            {
                var net = new TestNetwork(2, prefix);
                try
                {
                    await net.LinkAsync(0, 1);
                    return new Scene(net, net[0].GetPeers().Single());
                }
                catch
                {
                    net.Dispose();
                    throw;
                }
            }

            public TestNetwork Net { get; }
            public PeerNode B => Net[0];
            public PeerNode C => Net[1];
            public Peer VictimLink { get; }
            public int ConnectedAsVictim => Volatile.Read(ref _connectedAsVictim);

            /// <summary>Nothing changed on B: its one link is still the real one to C, no other link to C's id came up, and B and C still chat.</summary>
            public async Task AssertUntouchedAsync(string tag)
            {
                Assert.Equal(0, ConnectedAsVictim);
                Assert.Same(VictimLink, Assert.Single(B.GetPeers()));
                Assert.Equal(PeerState.Connected, VictimLink.State);
                B.Broadcast("B after " + tag);
                C.Broadcast("C after " + tag);
                Assert.Equal("B after " + tag, (await Task.Run(() => C.Receive(Wait)))?.Text);
                Assert.Equal("C after " + tag, (await Task.Run(() => B.Receive(Wait)))?.Text);
            }

            public void Dispose() => Net.Dispose();
        }

        /// <summary>
        /// A static key of the attacker's with the victim's identity payload: what a thief of the payload (it is shown
        /// to anyone who dials the victim) can present. The signature covers the victim's static key, not this one.
        /// </summary>
        private static NoiseStaticKey StolenPayload(NodeIdentity victim)
        {
            var victimStatic = new X25519PrivateKeyParameters(new SecureRandom());
            byte[] payload = IdentityPayload.Encode(victim, victimStatic.GeneratePublicKey().GetEncoded());
            return new NoiseStaticKey(victim, new X25519PrivateKeyParameters(new SecureRandom()), payload);
        }

        [Fact]
        public async Task Both_ends_show_the_link_encrypted_with_the_Noise_handshake_and_know_each_others_proven_identity()
        {
            using var scene = await Scene.StartAsync("enc");
            Peer atB = scene.B.GetPeers().Single();
            Peer atC = scene.C.GetPeers().Single();
            Assert.True(atB.Encrypted);
            Assert.True(atC.Encrypted);
            Assert.Equal("Noise_XX_25519_ChaChaPoly_SHA256", atB.Handshake);
            Assert.Equal(scene.C.Id, atB.Id);
            Assert.Equal(scene.B.Id, atC.Id);
            Assert.Equal(scene.C.Name, atB.Name);
            Assert.Equal("127.0.0.1:" + scene.C.Port, atB.ListenAddress.Replace("[::ffff:127.0.0.1]", "127.0.0.1"));
        }

        [Fact]
        public async Task A_dialler_presenting_the_victims_identity_payload_is_refused_after_message_3_and_never_registered()
        {
            using var scene = await Scene.StartAsync("stolen");
            using var raw = await RawPeer.ConnectAsync(scene.B.Port);

            var refused = await Assert.ThrowsAnyAsync<Exception>(() => raw.HandshakeAsync(scene.C.Identity, "impostor", 42, staticKey: StolenPayload(scene.C.Identity)));

            Assert.Contains("ProtocolError", refused.Message);
            Assert.Contains("identity payload does not verify", refused.Message);
            Assert.Equal(1, scene.B.InvalidSignatures);
            await scene.AssertUntouchedAsync("the stolen payload");
        }

        [Theory]
        [InlineData((byte)1)]
        [InlineData((byte)2)]
        [InlineData((byte)3)]
        [InlineData((byte)4)]
        [InlineData((byte)6)]
        public async Task Another_versions_HELLO_gets_a_clear_CLOSE_VersionMismatch_and_no_handshake(byte version)
        {
            using var scene = await Scene.StartAsync("v" + version);
            using var raw = await RawPeer.ConnectAsync(scene.B.Port);

            await raw.SendAsync(Frames.OldHello(NodeIdentity.Create(), version));

            byte[] next = await raw.ReadFrameAsync(Wait);
            Assert.Equal((byte)FrameType.Close, next?[0]); // no Noise message: nothing of B's identity
            CloseFrame.Decode(next, 0, next.Length, out CloseReason reason, out string detail);
            Assert.Equal(CloseReason.VersionMismatch, reason);
            Assert.Equal("version " + version + " offered; this node speaks " + ProtocolLimits.Version, detail);
            Assert.Equal(0, scene.B.InvalidFrames);
            await scene.AssertUntouchedAsync("the version " + version + " HELLO");
        }

        /// <summary>B dials a test listener that plays the acceptor with <paramref name="act"/>; the dial's error and the CLOSE B sent.</summary>
        private static async Task<(PeerConnectException error, CloseReason told, string detail)> DialFakeAcceptorAsync(Scene scene, Func<RawPeer, Task> act)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                Task<Peer> dial = scene.B.ConnectAsync("127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                using var fake = RawPeer.FromAccepted(await listener.AcceptTcpClientAsync());
                await act(fake);
                var e = await Assert.ThrowsAsync<PeerConnectException>(() => Eventually.Within(dial, Wait, "B's dial ended"));
                var (told, detail) = await fake.ReadCloseAsync(Wait);
                return (e, told, detail);
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task A_version_3_node_that_B_dials_refuses_it_clearly_and_B_says_why()
        {
            using var scene = await Scene.StartAsync("tov3");
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                Task<Peer> dial = scene.B.ConnectAsync("127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                using var old = RawPeer.FromAccepted(await listener.AcceptTcpClientAsync());
                byte[] hello = await old.ReadFrameAsync(Wait);
                HelloFrame decoded = HelloFrame.TryDecode(hello, 0, hello.Length, out string error);
                Assert.True(decoded != null, error);
                Assert.Equal(ProtocolLimits.Version, decoded.Version);
                // What a version-3 node answers: it reads the version right after the magic (protocol.md §1).
                await old.SendAsync(CloseFrame.Encode(CloseReason.VersionMismatch, "version 5 offered; this node speaks 3"));

                var e = await Assert.ThrowsAsync<PeerConnectException>(() => Eventually.Within(dial, Wait, "B's dial ended"));
                Assert.Equal(CloseReason.VersionMismatch, e.Reason);
                Assert.Contains("another protocol version", e.Message);
                Assert.Contains("version 5 offered; this node speaks 3", e.Message);
            }
            finally
            {
                listener.Stop();
            }
            await scene.AssertUntouchedAsync("the dial to a version 3 node");
        }

        [Fact]
        public async Task A_dialled_node_presenting_the_victims_identity_payload_gets_no_message_3_and_is_not_registered()
        {
            using var scene = await Scene.StartAsync("fakeacc");
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                Task<Peer> dial = scene.B.ConnectAsync("127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                using var fake = RawPeer.FromAccepted(await listener.AcceptTcpClientAsync());

                // B answers the forged message 2 with a CLOSE, never with message 3: the fake learns nothing of B's identity.
                var refused = await Assert.ThrowsAnyAsync<Exception>(() => fake.AcceptHandshakeAsync(scene.C.Identity, "impostor", staticKey: StolenPayload(scene.C.Identity)));
                Assert.Contains("refused the handshake answering our message 2: ProtocolError", refused.Message);

                var e = await Assert.ThrowsAsync<PeerConnectException>(() => Eventually.Within(dial, Wait, "B's dial ended"));
                Assert.Contains("identity payload does not verify", e.Message);
            }
            finally
            {
                listener.Stop();
            }
            Assert.Equal(1, scene.B.InvalidSignatures);
            await scene.AssertUntouchedAsync("the fake acceptor");
        }

        [Fact]
        public async Task A_dialled_node_that_does_not_echo_the_link_token_is_not_registered()
        {
            using var scene = await Scene.StartAsync("fakeecho");
            var other = NodeIdentity.Create();

            var (error, told, _) = await DialFakeAcceptorAsync(scene, fake => fake.AcceptHandshakeAsync(other, "other", echoToken: false));

            Assert.Contains("echo the link token", error.Message);
            Assert.Equal(CloseReason.ProtocolError, told);
            Assert.DoesNotContain(scene.B.GetPeers(), p => p.Id == other.NodeId.ToString());
        }
    }
}
