using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Proof of work between nodes (protocol.md §3.10): a node that requires it neither delivers nor relays a message
    /// without enough work, and checks no signature for it; nodes with different settings hear only the senders that
    /// pay their price, and not through a node that requires more.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class ProofOfWorkNetworkTests
    {
        /// <summary>Hashes per byte: about 60,000 hashes, a few tens of milliseconds, for a short message.</summary>
        private const int Work = 50;

        private static byte[] Proven(NodeIdentity signer, string text, int difficulty = Work)
        {
            FloodMessage m = MessageFrame.CreateMessage(signer, Id128.NewRandom(), "raw", Frames.Now, 32, MessageFlags.ProofOfWork, text);
            Assert.True(ProofOfWork.TrySolve(m.Frame, difficulty, TimeSpan.FromMinutes(1), out _));
            return m.Frame;
        }

        /// <summary>Proven for 1 hash per byte, and (as 49 in 50 such frames are) not for <see cref="Work"/>.</summary>
        private static byte[] Underpaid(NodeIdentity signer, string text)
        {
            while (true)
            {
                byte[] frame = Proven(signer, text, 1);
                if (!ProofOfWork.IsProven(Frames.Decode(frame), Work)) return frame;
            }
        }

        /// <summary>The texts waiting in a node's inbox, taken out, in order of arrival.</summary>
        private static List<string> Texts(PeerNode node)
        {
            var got = new List<PeerMessage>();
            node.Receive(got);
            return got.Select(m => m.Text).ToList();
        }

        /// <summary>The same, sorted: messages from different links may arrive in either order.</summary>
        private static IEnumerable<string> Heard(PeerNode node) => Texts(node).OrderBy(t => t, StringComparer.Ordinal);

        private static IEnumerable<string> Sorted(params string[] texts) => texts.OrderBy(t => t, StringComparer.Ordinal);

        [Fact]
        public async Task A_message_without_the_required_work_is_neither_delivered_nor_relayed_and_its_signature_is_never_checked()
        {
            using var net = new MemoryTestNetwork();
            PeerNode guard = net.Start("guard", o => o.ProofOfWork = Work);
            PeerNode behind = net.Start("behind"); // requires nothing: whatever reaches it, it takes
            await net.LinkAsync(behind, guard);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, guard, name: "cheap");
            await net.QuietAsync();
            Peer link = guard.GetPeers().Single(p => p.Name == "cheap");
            long verified = guard.SignaturesVerified;

            byte[] forged = Frames.LiveMessage(raw.Identity, "cheap", "a broken signature, no work").Frame;
            forged[Frames.SignatureIndex(forged)] ^= 1; // without the work check first, this would close the link
            var unproven = new[]
            {
                Frames.LiveMessage(raw.Identity, "cheap", "no work at all").Frame,
                Underpaid(raw.Identity, "work for a lower setting"),
                Frames.WithHops(Frames.LiveMessage(NodeIdentity.Create(), "other", "someone else's, passed on").Frame, 2),
                forged,
                DirectFrame.Create(raw.Identity, "cheap", Id128.NewRandom(), behind.NodeId, behind.Identity.EncryptionPublicKey, Frames.Now, 32, "a DIRECT, no work").Frame,
            };
            foreach (byte[] frame in unproven) await raw.SendAsync(frame);
            await Eventually.UntilAsync(() => guard.ProofOfWorkDrops == unproven.Length, TestNetwork.Wait, "the guard dropped all five");
            await net.QuietAsync();

            Assert.Equal(0, guard.MessagesDelivered);
            Assert.Equal(0, guard.MessagesRelayed);
            Assert.Equal(verified, guard.SignaturesVerified); // checked before the signature: none was verified
            Assert.Equal(0, guard.InvalidSignatures + guard.InvalidFrames + guard.BudgetDrops);
            Assert.Equal(PeerState.Connected, link.State); // three faults of its own are far from the limit
            Assert.Equal(0, behind.MessagesDelivered + behind.ProofOfWorkDrops); // nothing was passed on

            // The same neighbour paying the price is delivered and relayed; a node that requires nothing reads the layout.
            await raw.SendAsync(Proven(raw.Identity, "paid for"));
            FloodMessage direct = DirectFrame.Create(raw.Identity, "cheap", Id128.NewRandom(), behind.NodeId, behind.Identity.EncryptionPublicKey, Frames.Now, 32, "a DIRECT, paid for", MessageFlags.ProofOfWork);
            Assert.True(ProofOfWork.TrySolve(direct.Frame, Work, TimeSpan.FromMinutes(1), out _));
            await raw.SendAsync(direct.Frame);
            Assert.Equal("paid for", guard.Receive(TestNetwork.Wait)?.Text);
            Assert.Equal("paid for", behind.Receive(TestNetwork.Wait)?.Text);
            Assert.Equal("a DIRECT, paid for", behind.Receive(TestNetwork.Wait)?.Text);
            Assert.Equal(unproven.Length, guard.ProofOfWorkDrops);
        }

        [Fact]
        public async Task Nodes_with_different_settings_hear_only_senders_that_pay_their_price_and_nothing_through_a_node_that_asks_more()
        {
            // side(0) - low(0) - high(50) - far(0), and payer(50) - low.
            using var net = new MemoryTestNetwork();
            PeerNode low = net.Start("low");
            PeerNode side = net.Start("side");
            PeerNode high = net.Start("high", o => o.ProofOfWork = Work);
            PeerNode far = net.Start("far");
            PeerNode payer = net.Start("payer", o => o.ProofOfWork = Work);
            await net.LinkAsync(side, low);
            await net.LinkAsync(low, high);
            await net.LinkAsync(far, high);
            await net.LinkAsync(payer, low);
            PeerNode[] all = net.Nodes.ToArray();
            foreach (PeerNode node in all) node.Announce();

            // ANNOUNCEs need no work: every node learns every node's key, through high too.
            await Eventually.UntilAsync(() => all.All(n => n.GetDirectory().Count(e => e.CanReceiveDirect) >= all.Length - 1), TestNetwork.Wait, "every node knows the four others");
            Assert.Contains(far.GetDirectory(), e => e.Name == "low");
            Assert.Contains(low.GetDirectory(), e => e.Name == "far");
            await net.QuietAsync();
            Assert.All(all, n => Assert.Equal(0, n.InboxCount)); // announcements are not messages

            low.Broadcast("from low, free");
            far.Broadcast("from far, free");
            payer.Broadcast("from payer, paid");
            high.Broadcast("from high, paid");
            high.SendDirect("low", "direct from high, paid");
            low.SendDirect("far", "direct from low to far, free");
            // Quiet queues and pipes do not mean every frame was handled: wait for what must arrive, then for the rest.
            await Eventually.UntilAsync(() => low.InboxCount + side.InboxCount + high.InboxCount + far.InboxCount + payer.InboxCount == 10 && high.ProofOfWorkDrops + payer.ProofOfWorkDrops == 5,
                TestNetwork.Wait, "every paid message arrived", () => string.Join(" | ", all.Select(n => n.Name + ": " + n.Stats.Snapshot() + ", inbox " + n.InboxCount)));
            await net.QuietAsync();

            // low is heard by side only: high drops it, and far, behind high, never gets it; payer asks more too.
            Assert.Equal(Sorted("from payer, paid", "from high, paid", "direct from high, paid"), Heard(low));
            Assert.Equal(Sorted("from low, free", "from payer, paid", "from high, paid"), Heard(side));
            Assert.Equal(Sorted("from payer, paid"), Heard(high));
            Assert.Equal(Sorted("from payer, paid", "from high, paid"), Heard(far));
            Assert.Equal(Sorted("from high, paid"), Heard(payer));
            Assert.Equal(3, high.ProofOfWorkDrops); // low's and far's broadcasts, low's DIRECT to far
            Assert.Equal(2, payer.ProofOfWorkDrops); // low's broadcast, and low's DIRECT to far (a DIRECT is flooded)
            Assert.All(all, n => Assert.Equal(0, n.InvalidFrames + n.InvalidSignatures));
            Assert.All(all, n => Assert.All(n.GetPeers(), p => Assert.Equal(PeerState.Connected, p.State)));
        }

        [Fact]
        public async Task A_neighbour_sending_unproven_messages_of_its_own_in_bulk_is_closed_but_one_passing_them_on_is_not()
        {
            using var net = new MemoryTestNetwork();
            PeerNode guard = net.Start("guard", o => o.ProofOfWork = Work);
            using RawPeer relay = await RawPeer.JoinAsync(net.Network, guard, name: "relay");
            using RawPeer spammer = await RawPeer.JoinAsync(net.Network, guard, name: "spammer");
            Peer relayLink = guard.GetPeers().Single(p => p.Name == "relay");
            Peer spamLink = guard.GetPeers().Single(p => p.Name == "spammer");

            // Someone else's unproven messages, passed on (hops 2): an honest relay with a lower setting does that.
            NodeIdentity origin = NodeIdentity.Create();
            for (int i = 0; i < 600; i++) await relay.SendAsync(Frames.WithHops(Frames.LiveMessage(origin, "origin", "spam " + i).Frame, 2));
            await Eventually.UntilAsync(() => guard.ProofOfWorkDrops == 600, TestNetwork.Wait, "the guard dropped the relayed 600");
            Assert.Equal(PeerState.Connected, relayLink.State);

            // Its own (hops 1), in bulk: one fault each, and the link closes at the 501st.
            for (int i = 0; i < 600 && spamLink.State != PeerState.Closed; i++) await spammer.SendAsync(Frames.LiveMessage(spammer.Identity, "spammer", "spam " + i).Frame);
            await Eventually.UntilAsync(() => spamLink.State == PeerState.Closed, TestNetwork.Wait, "the spammer's link was closed");
            Assert.Equal(CloseReason.OverBudget, spamLink.CloseReason);
            Assert.Contains("proof of work", spamLink.CloseDetail);
            Assert.InRange(guard.ProofOfWorkDrops - 600, 501, 600);
            Assert.Equal(0, guard.MessagesDelivered);
            Assert.Equal(2, guard.SignaturesVerified); // the two handshakes' identity payloads: no message's signature was checked
            Assert.Equal(PeerState.Connected, relayLink.State);
        }

        [Fact]
        public async Task A_gateway_that_requires_work_proves_its_text_peers_lines()
        {
            using var net = new MemoryTestNetwork();
            PeerNode gateway = net.Start("gateway", o => o.ProofOfWork = Work);
            PeerNode neighbour = net.Start("neighbour", o => o.ProofOfWork = Work);
            await net.LinkAsync(neighbour, gateway);
            using RawPeer nc = await RawPeer.ConnectAsync(net.Network, gateway.Port);

            await nc.SendAsync("hello from nc\nand again\n"); // a text peer from its first byte
            PeerMessage first = neighbour.Receive(TestNetwork.Wait);
            Assert.Equal("hello from nc", first?.Text);
            Assert.Equal(PeerProtocol.Text, first.Protocol);
            Assert.Equal("and again", neighbour.Receive(TestNetwork.Wait)?.Text); // in order
            await Eventually.UntilAsync(() => gateway.InboxCount == 2, TestNetwork.Wait, "the gateway delivered both lines itself");
            Assert.Equal(new[] { "hello from nc", "and again" }, Texts(gateway));
            Assert.Equal(0, neighbour.ProofOfWorkDrops + gateway.TextLinesDropped);
        }
    }
}
