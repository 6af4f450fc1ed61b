using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The v2 handshake proves that each side holds the key its id stands for. Impostors, on either side of a dial,
    /// are refused and never registered; the victim's real link is untouched. B is node 0, C (the victim) node 1.
    /// </summary>
    public class HandshakeAuthTests
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

        /// <summary>A HELLO of <paramref name="sender"/> with the id (and optionally the signing key) fields replaced.</summary>
        private static byte[] HelloClaiming(NodeIdentity sender, Id128 id, byte[] signingKey, ulong token = 42, string name = "impostor")
        {
            byte[] frame = HelloFrame.Encode(sender, token, 0, name, Frames.RandomNonce());
            id.Write(frame, ProtocolLimits.LengthPrefix + Frames.HelloBodyId);
            if (signingKey != null) Buffer.BlockCopy(signingKey, 0, frame, ProtocolLimits.LengthPrefix + Frames.HelloBodySigningKey, signingKey.Length);
            return frame;
        }

        [Fact]
        public async Task A_HELLO_claiming_another_nodes_id_with_its_own_key_is_refused_before_any_answer()
        {
            using var scene = await Scene.StartAsync("idkey");
            using var raw = await RawPeer.ConnectAsync(scene.B.Port);

            await raw.SendAsync(HelloClaiming(NodeIdentity.Create(), scene.C.NodeId, signingKey: null));

            byte[] first = await raw.ReadFrameAsync(Wait);
            Assert.NotNull(first);
            Assert.Equal((byte)FrameType.Close, first[0]); // no HELLO, no AUTH: nothing is said to an impostor
            CloseFrame.Decode(first, 0, first.Length, out CloseReason reason, out string detail);
            Assert.Equal(CloseReason.ProtocolError, reason);
            Assert.Contains("not the hash of its key", detail);
            Assert.True(await raw.ReadsEndOfStreamAsync(Wait));
            await Eventually.UntilAsync(() => scene.B.InvalidFrames == 1, Wait, "B counted the bad HELLO");
            await scene.AssertUntouchedAsync("the id/key mismatch");
        }

        public static TheoryData<string> BadAuths => new TheoryData<string>
        {
            "an AUTH signed with the impostor's own key",
            "an AUTH of 65 random bytes",
            "an AUTH cut short",
            "B's own HELLO sent back as the AUTH",
            "a MESSAGE instead of the AUTH",
        };

        [Theory]
        [MemberData(nameof(BadAuths))]
        public async Task A_HELLO_with_the_victims_id_and_key_gets_no_signature_and_is_never_registered_without_the_victims(string attempt)
        {
            using var scene = await Scene.StartAsync("noauth");
            var impostor = NodeIdentity.Create();
            using var raw = await RawPeer.ConnectAsync(scene.B.Port);
            byte[] hello = HelloClaiming(impostor, scene.C.NodeId, scene.C.Identity.SigningPublicKey);
            byte[] helloBody = Frames.Body(hello);

            await raw.SendAsync(hello);

            // id and key agree, so B answers with its HELLO, and signs nothing (protocol.md §3.1, version 3): the
            // dialler must prove C's key first. (A replayed HELLO of C's would be answered the same way.)
            byte[] bHello = await raw.ReadFrameAsync(Wait);
            Assert.Equal((byte)FrameType.Hello, bHello[0]);
            Assert.Same(scene.VictimLink, Assert.Single(scene.B.GetPeers())); // nothing registered on a HELLO alone

            byte[] reply;
            switch (attempt)
            {
                case "an AUTH signed with the impostor's own key": reply = AuthFrame.Encode(impostor, AuthFrame.DiallerRole, helloBody, bHello); break;
                case "an AUTH of 65 random bytes": reply = Frames.Prefixed(new[] { (byte)FrameType.Auth }.Concat(Frames.RandomNonce()).Concat(Frames.RandomNonce()).ToArray()); break;
                case "an AUTH cut short": reply = Frames.Prefixed(Frames.Body(AuthFrame.Encode(impostor, AuthFrame.DiallerRole, helloBody, bHello)).Take(40).ToArray()); break;
                case "B's own HELLO sent back as the AUTH": reply = Frames.Prefixed(new[] { (byte)FrameType.Auth }.Concat(bHello.Skip(1)).ToArray()); break;
                case "a MESSAGE instead of the AUTH": reply = Frames.LiveMessage(impostor, "impostor", "let me in").Frame; break;
                default: throw new ArgumentException(attempt);
            }
            await raw.SendAsync(reply);

            // B's next frame is its CLOSE: no AUTH of B's was ever made for this link.
            byte[] next = await raw.ReadFrameAsync(Wait);
            Assert.Equal((byte)FrameType.Close, next?[0]);
            CloseFrame.Decode(next, 0, next.Length, out CloseReason reason, out string detail);
            Assert.Equal(CloseReason.ProtocolError, reason);
            Assert.True(await raw.ReadsEndOfStreamAsync(Wait));
            if (attempt == "a MESSAGE instead of the AUTH")
            {
                Assert.Contains("expected AUTH", detail);
                await Eventually.UntilAsync(() => scene.B.InvalidFrames == 1, Wait, "B counted the frame out of place");
                Assert.Equal(0, scene.B.InvalidSignatures);
            }
            else
            {
                Assert.Contains("AUTH signature", detail);
                await Eventually.UntilAsync(() => scene.B.InvalidSignatures == 1, Wait, "B counted the failed AUTH");
            }
            Assert.Equal(0, scene.B.InboxCount);
            await scene.AssertUntouchedAsync(attempt);
        }

        [Fact]
        public async Task An_AUTH_signed_for_the_acceptor_role_does_not_let_a_dialler_in_even_with_its_own_key()
        {
            using var scene = await Scene.StartAsync("role");
            var self = NodeIdentity.Create();
            using var raw = await RawPeer.ConnectAsync(scene.B.Port);
            byte[] hello = HelloFrame.Encode(self, 5, 0, "confused", Frames.RandomNonce());
            await raw.SendAsync(hello);
            byte[] bHello = await raw.ReadFrameAsync(Wait);

            await raw.SendAsync(AuthFrame.Encode(self, AuthFrame.AcceptorRole, Frames.Body(hello), bHello));

            Assert.Equal(CloseReason.ProtocolError, (await raw.ReadCloseAsync(Wait)).reason);
            await Eventually.UntilAsync(() => scene.B.InvalidSignatures == 1, Wait, "B refused the wrong role");
            Assert.DoesNotContain(scene.B.GetPeers(), p => p.Id == self.NodeId.ToString());
        }

        [Fact]
        public async Task The_victims_own_HELLO_and_AUTH_replayed_from_another_link_are_refused()
        {
            // The attacker first plays acceptor for C and records C's genuine HELLO and AUTH, then replays both to B.
            // B's HELLO carries a fresh nonce, so C's recorded signature covers another transcript.
            using var scene = await Scene.StartAsync("steal");
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var attacker = NodeIdentity.Create();
                Task<Peer> cDials = scene.C.ConnectAsync("127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                using var fromC = RawPeer.FromAccepted(await listener.AcceptTcpClientAsync());
                byte[] cHello = await fromC.ReadFrameAsync(Wait);
                HelloFrame decoded = HelloFrame.TryDecode(cHello, 0, cHello.Length, out string error);
                Assert.True(decoded != null, error);
                Assert.Equal(scene.C.NodeId, decoded.NodeId);
                byte[] aHello = HelloFrame.Encode(attacker, decoded.LinkToken, 0, "attacker", Frames.RandomNonce());
                await fromC.SendAsync(aHello);
                await fromC.SendAsync(AuthFrame.Encode(attacker, AuthFrame.AcceptorRole, cHello, Frames.Body(aHello)));
                byte[] cAuth = await fromC.ReadFrameAsync(b => b[0] == (byte)FrameType.Auth, Wait, "C's AUTH");
                Assert.NotNull(cAuth);
                Assert.True(AuthFrame.Verify(new SignatureVerifier(), scene.C.NodeId, scene.C.Identity.SigningPublicKey, AuthFrame.DiallerRole, cHello, Frames.Body(aHello), cAuth, 0, cAuth.Length), "the recorded AUTH is genuine");
                await Eventually.Within(cDials, Wait, "C's dial to the attacker completed");

                using var raw = await RawPeer.ConnectAsync(scene.B.Port);
                await raw.SendAsync(Frames.Prefixed(cHello));
                byte[] bHello = await raw.ReadFrameAsync(Wait);
                Assert.Equal((byte)FrameType.Hello, bHello[0]);
                await raw.SendAsync(Frames.Prefixed(cAuth));

                Assert.Equal(CloseReason.ProtocolError, (await raw.ReadCloseAsync(Wait)).reason);
                await Eventually.UntilAsync(() => scene.B.InvalidSignatures == 1, Wait, "B refused the replayed AUTH");
                await scene.AssertUntouchedAsync("the replayed handshake");
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task A_version_1_HELLO_is_refused_as_another_version_not_as_garbage()
        {
            using var scene = await Scene.StartAsync("v1");
            using var raw = await RawPeer.ConnectAsync(scene.B.Port);
            // The version-1 layout: type, PSPC, version 1, flags, id, token, port, name length, name.
            byte[] body = new byte[34 + 3];
            body[0] = (byte)FrameType.Hello;
            ProtocolLimits.Magic.CopyTo(body, 1);
            body[5] = 1;
            Id128.NewRandom().Write(body, 7);
            body[33] = 3;
            "old"u8.ToArray().CopyTo(body, 34);

            await raw.SendAsync(Frames.Prefixed(body));

            var (reason, detail) = await raw.ReadCloseAsync(Wait);
            Assert.Equal(CloseReason.VersionMismatch, reason);
            Assert.Contains("version 1 offered", detail);
            Assert.Contains("speaks 3", detail);
            Assert.Equal(0, scene.B.InvalidFrames);
            await scene.AssertUntouchedAsync("the old HELLO");
        }

        [Fact]
        public async Task A_version_2_HELLO_is_refused_as_another_version_without_a_signature()
        {
            // Version 2 had the acceptor sign its AUTH on any HELLO; version 3 nodes do not speak it.
            using var scene = await Scene.StartAsync("v2");
            using var raw = await RawPeer.ConnectAsync(scene.B.Port);
            byte[] hello = HelloFrame.Encode(NodeIdentity.Create(), 9, 0, "old", Frames.RandomNonce());
            hello[ProtocolLimits.LengthPrefix + 5] = 2;

            await raw.SendAsync(hello);

            byte[] next = await raw.ReadFrameAsync(Wait);
            Assert.Equal((byte)FrameType.Close, next?[0]); // no HELLO, no AUTH
            CloseFrame.Decode(next, 0, next.Length, out CloseReason reason, out string detail);
            Assert.Equal(CloseReason.VersionMismatch, reason);
            Assert.Equal("version 2 offered; this node speaks 3", detail);
            await scene.AssertUntouchedAsync("the version 2 HELLO");
        }

        /// <summary>B dials a test listener that plays the acceptor with the given answer to B's HELLO.</summary>
        private static async Task<(PeerConnectException error, CloseReason told)> DialFakeAcceptorAsync(Scene scene, Func<HelloFrame, byte[], byte[][]> answer)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                Task<Peer> dial = scene.B.ConnectAsync("127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                using var fake = RawPeer.FromAccepted(await listener.AcceptTcpClientAsync());
                byte[] bHello = await fake.ReadFrameAsync(Wait);
                HelloFrame decoded = HelloFrame.TryDecode(bHello, 0, bHello.Length, out string error);
                Assert.True(decoded != null, error);
                foreach (byte[] frame in answer(decoded, bHello)) await fake.SendAsync(frame);

                var e = await Assert.ThrowsAsync<PeerConnectException>(() => Eventually.Within(dial, Wait, "B's dial ended"));
                var (told, _) = await fake.ReadCloseAsync(Wait);
                return (e, told);
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task A_dialled_node_that_claims_the_victims_id_and_key_but_cannot_sign_is_not_registered()
        {
            using var scene = await Scene.StartAsync("fakeacc");
            var impostor = NodeIdentity.Create();

            var (error, told) = await DialFakeAcceptorAsync(scene, (bHello, bBody) =>
            {
                byte[] hello = HelloClaiming(impostor, scene.C.NodeId, scene.C.Identity.SigningPublicKey, bHello.LinkToken);
                return new[] { hello, AuthFrame.Encode(impostor, AuthFrame.AcceptorRole, bBody, Frames.Body(hello)) };
            });

            Assert.Contains("AUTH signature", error.Message);
            Assert.Equal(CloseReason.ProtocolError, told);
            Assert.Equal(1, scene.B.InvalidSignatures);
            await scene.AssertUntouchedAsync("the fake acceptor");
        }

        [Fact]
        public async Task A_dialled_node_whose_id_is_not_its_keys_hash_is_not_registered()
        {
            using var scene = await Scene.StartAsync("fakeid");
            var impostor = NodeIdentity.Create();

            var (error, told) = await DialFakeAcceptorAsync(scene, (bHello, bBody) =>
            {
                byte[] hello = HelloClaiming(impostor, scene.C.NodeId, signingKey: null, bHello.LinkToken);
                return new[] { hello, AuthFrame.Encode(impostor, AuthFrame.AcceptorRole, bBody, Frames.Body(hello)) };
            });

            Assert.Contains("not the hash of its key", error.Message);
            Assert.Equal(CloseReason.ProtocolError, told);
            Assert.Equal(1, scene.B.InvalidFrames);
            await scene.AssertUntouchedAsync("the fake acceptor's id");
        }

        [Fact]
        public async Task A_dialled_node_that_does_not_echo_the_link_token_is_not_registered()
        {
            using var scene = await Scene.StartAsync("fakeecho");
            var other = NodeIdentity.Create();

            var (error, told) = await DialFakeAcceptorAsync(scene, (bHello, bBody) =>
            {
                byte[] hello = HelloFrame.Encode(other, bHello.LinkToken ^ 1, 0, "other", Frames.RandomNonce());
                return new[] { hello, AuthFrame.Encode(other, AuthFrame.AcceptorRole, bBody, Frames.Body(hello)) };
            });

            Assert.Contains("echo the link token", error.Message);
            Assert.Equal(CloseReason.ProtocolError, told);
            Assert.DoesNotContain(scene.B.GetPeers(), p => p.Id == other.NodeId.ToString());
        }

        [Fact]
        public async Task A_man_in_the_middle_cannot_splice_two_handshakes_to_pass_as_the_node_that_dialled_it()
        {
            // V (node 0) dials mallory. Mallory forwards V's HELLO to T (node 1) with its own HELLO X appended as
            // "trailing bytes", and answers V with X followed by T's HELLO as trailing bytes. Both transcripts are then
            // the same bytes, V || X || T, so V's AUTH (role D) also verifies at T, for V's id.
            using var net = new TestNetwork(2, "splice");
            PeerNode v = net[0], t = net[1];
            var mallory = NodeIdentity.Create();
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                Task<Peer> vDials = v.ConnectAsync("127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                using var fromV = RawPeer.FromAccepted(await listener.AcceptTcpClientAsync());
                byte[] helloV = await fromV.ReadFrameAsync(Wait);
                HelloFrame hv = HelloFrame.TryDecode(helloV, 0, helloV.Length, out _);
                byte[] x = Frames.Body(HelloFrame.Encode(mallory, hv.LinkToken, 0, "mallory", Frames.RandomNonce()));

                using var toT = await RawPeer.ConnectAsync(t.Port);
                await toT.SendAsync(Frames.Prefixed(Frames.Concat(helloV, x)));
                byte[] helloT = await toT.ReadFrameAsync(Wait);
                if (helloT != null && helloT[0] == (byte)FrameType.Hello)
                {
                    byte[] a = Frames.Concat(x, helloT);
                    await fromV.SendAsync(Frames.Prefixed(a));
                    await fromV.SendAsync(AuthFrame.Encode(mallory, AuthFrame.AcceptorRole, helloV, a));
                    byte[] authV = await fromV.ReadFrameAsync(b => b[0] == (byte)FrameType.Auth || b[0] == (byte)FrameType.Close, Wait, "V's AUTH");
                    if (authV != null && authV[0] == (byte)FrameType.Auth)
                    {
                        await toT.SendAsync(Frames.Prefixed(authV));
                        await Eventually.UntilAsync(() => t.InvalidFrames + t.InvalidSignatures > 0 || t.GetPeers().Any(p => p.Id == v.Id), Wait, "T decided on the spliced handshake");
                    }
                }
                Assert.DoesNotContain(t.GetPeers(), p => p.Id == v.Id); // T must not hold a link to "V" whose socket is mallory's
                _ = vDials.ContinueWith(task => _ = task.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
