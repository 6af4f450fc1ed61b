using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A neighbour with a valid handshake sends signed frames it altered or forged. B (node 0) is linked to C (node 1);
    /// the raw peer is linked to B. A forged frame must be delivered nowhere, relayed nowhere, and cost its link.
    /// </summary>
    public class SecurityForgeryTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;


        /// <summary>The genuine frame, changed after signing in the way the case names.</summary>
        private static byte[] Forge(string forgery, byte[] genuine, NodeIdentity forger, PeerNode victim)
        {
            switch (forgery)
            {
                case "a text byte flipped after signing":
                {
                    byte[] f = (byte[])genuine.Clone();
                    f[Frames.TextIndex(f) + 3] ^= 0x01; // ASCII stays ASCII: only the signature can tell
                    return f;
                }
                case "C's id, signed by the raw peer's own key":
                    return Frames.Resigned(Frames.WithOrigin(genuine, victim.NodeId), forger);
                case "C's id and C's key, the raw peer's signature":
                    return Frames.Resigned(Frames.WithOrigin(genuine, victim.NodeId, victim.Identity.SigningPublicKey), forger);
                default:
                    throw new ArgumentException(forgery);
            }
        }

        [Theory]
        [InlineData("a text byte flipped after signing")]
        [InlineData("C's id, signed by the raw peer's own key")]
        [InlineData("C's id and C's key, the raw peer's signature")]
        public async Task A_forged_MESSAGE_is_not_delivered_not_relayed_and_closes_the_link(string forgery)
        {
            using var net = await TestNetwork.LinkedPairAsync("forge");
            var mallory = NodeIdentity.Create();
            FloodMessage genuine = Frames.LiveMessage(mallory, "mallory", "genuine text, signed once");
            byte[] forged = Forge(forgery, genuine.Frame, mallory, net[1]);
            Assert.Equal(genuine.Id, Frames.Decode(forged).Id); // the forgery reuses the genuine message's id

            using (var raw = await RawPeer.JoinAsync(net[0], mallory, "mallory"))
            {
                await raw.SendAsync(forged);

                var (reason, detail) = await raw.ReadCloseAsync(Wait);
                Assert.Equal(CloseReason.ProtocolError, reason);
                Assert.Contains("signature", detail);
                Assert.True(await raw.ReadsEndOfStreamAsync(Wait));
            }
            await Eventually.UntilAsync(() => net[0].InvalidSignatures == 1 && net[0].PeerCount == 1, Wait, "B counted the forgery and dropped the link",
                () => "InvalidSignatures " + net[0].InvalidSignatures + ", peers " + net[0].PeerCount);
            Assert.Equal(0, net[0].InboxCount);
            Assert.Equal(0, net[0].MessagesDelivered);
            Assert.Equal(0, net[0].MessagesRelayed);

            // A fresh link sends the genuine frame (same id) and then a marker. Frames from B to C keep their order,
            // so had B relayed the forgery, C would have had it before either of them; had B remembered the forged
            // copy's id, the genuine message would be dropped as a duplicate.
            var honest = NodeIdentity.Create();
            FloodMessage marker = Frames.LiveMessage(honest, "honest", "marker after the forgery");
            using (var raw2 = await RawPeer.JoinAsync(net[0], honest, "honest"))
            {
                await raw2.SendAsync(genuine.Frame);
                await raw2.SendAsync(marker.Frame);
                await Eventually.UntilAsync(() => net.Collect(1).Any(m => m.Id == marker.Id.ToString()) && net.Collect(0).Count >= 2, Wait, "C got the marker and B both frames", net.Describe);
            }

            foreach (int node in new[] { 0, 1 })
            {
                var inbox = net.Inboxes[node];
                Assert.Equal(new[] { genuine.Id.ToString(), marker.Id.ToString() }, inbox.Select(m => m.Id));
                Assert.Equal("genuine text, signed once", inbox[0].Text);
                Assert.Equal(mallory.NodeId.ToString(), inbox[0].From);
                Assert.All(inbox, m => Assert.True(m.Verified));
            }
            Assert.Equal(1, net[0].InvalidSignatures);
            Assert.Equal(0, net[1].InvalidSignatures);
            Assert.Equal(0, net[0].InvalidFrames); // forged, not malformed
        }

        [Fact]
        public async Task A_forged_ANNOUNCE_cannot_give_another_node_the_forgers_encryption_key()
        {
            using var net = await TestNetwork.LinkedPairAsync("fann");
            await Eventually.UntilAsync(() => net[0].GetDirectory().Any(e => e.Id == net[1].Id && e.CanReceiveDirect), Wait, "B knows C's encryption key from the handshake");
            var mallory = NodeIdentity.Create();
            // An ANNOUNCE of mallory's (payload: mallory's X25519 key), re-labelled as C's: C's id, C's signing key, mallory's signature.
            FloodMessage own = MessageFrame.CreateAnnounce(mallory, Id128.NewRandom(), "fann1", Frames.Now, 32);
            byte[] forged = Frames.Resigned(Frames.WithOrigin(own.Frame, net[1].NodeId, net[1].Identity.SigningPublicKey), mallory);

            using (var raw = await RawPeer.JoinAsync(net[0], mallory, "mallory"))
            {
                await raw.SendAsync(forged);
                var (reason, _) = await raw.ReadCloseAsync(Wait);
                Assert.Equal(CloseReason.ProtocolError, reason);
            }
            await Eventually.UntilAsync(() => net[0].InvalidSignatures == 1, Wait, "B counted the forged ANNOUNCE");

            // B still encrypts to C's real key: C can open what B sends it.
            PeerMessage sent = net[0].SendDirect(net[1].Id, "only C can read this");
            PeerMessage got = await Task.Run(() => net[1].Receive(Wait));
            Assert.NotNull(got);
            Assert.Equal(sent.Id, got.Id);
            Assert.Equal("only C can read this", got.Text);
            Assert.True(got.IsDirect);
            Assert.Equal(0, net[1].InvalidSignatures);
            Assert.Single(net[0].GetDirectory(), e => e.Name == "fann1");
        }

        [Fact]
        public async Task A_MESSAGE_relabelled_as_a_text_peers_line_fails_the_signature()
        {
            // The TextOrigin flag is inside the signature: a neighbour cannot make a verified message look unverified or back.
            using var net = await TestNetwork.LinkedPairAsync("flag");
            var mallory = NodeIdentity.Create();
            byte[] frame = (byte[])Frames.LiveMessage(mallory, "mallory", "signed as a node").Frame;
            frame[ProtocolLimits.LengthPrefix + Frames.BodyFlags] ^= (byte)MessageFlags.TextOrigin;

            using var raw = await RawPeer.JoinAsync(net[0], mallory, "mallory");
            await raw.SendAsync(frame);

            Assert.Equal(CloseReason.ProtocolError, (await raw.ReadCloseAsync(Wait)).reason);
            await Eventually.UntilAsync(() => net[0].InvalidSignatures == 1 && net[0].PeerCount == 1, Wait, "B refused the relabelled frame");
            Assert.Equal(0, net[0].InboxCount);
        }

        [Fact]
        public async Task A_message_id_reused_by_another_origin_does_not_suppress_the_original()
        {
            // Mallory saw alice's message (as any relay does) and races ahead with her own, validly signed, under the same id.
            using var net = new TestNetwork(1, "squat");
            var alice = NodeIdentity.Create();
            var mallory = NodeIdentity.Create();
            FloodMessage original = Frames.LiveMessage(alice, "alice", "the original");
            FloodMessage squatter = Frames.LiveMessage(mallory, "mallory", "mallory's text under alice's id", original.Id);
            using var raw = await RawPeer.JoinAsync(net[0], mallory, "mallory");

            await raw.SendAsync(squatter.Frame);
            await raw.SendAsync(original.Frame); // then relays alice's message as an honest relay would
            FloodMessage marker = Frames.LiveMessage(mallory, "mallory", "marker");
            await raw.SendAsync(marker.Frame);
            await Eventually.UntilAsync(() => net.Collect(0).Any(m => m.Id == marker.Id.ToString()), Wait, "the marker arrived");

            Assert.Contains(net.Inboxes[0], m => m.From == alice.NodeId.ToString() && m.Text == "the original");
        }
    }
}
