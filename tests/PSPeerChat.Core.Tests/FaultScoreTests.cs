using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A neighbour that keeps sending over its budgets, or DIRECTs that do not open, is closed once its fault score
    /// passes the limit, and its address waits (protocol.md §8.7). An honest relay's occasional drops decay away.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class FaultScoreTests
    {
        private static readonly IPAddress Hostile = IPAddress.Parse("203.0.113.7");

        [Fact]
        public async Task A_link_that_floods_past_its_budget_is_closed_as_over_budget_and_its_address_discouraged()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            PeerNode honest = net.Start("honest");
            await net.LinkAsync(honest, node);
            RawPeer raw = await RawPeer.ConnectAsync(net.Network, node.Port, Hostile);
            await raw.HandshakeAsync(NodeIdentity.Create(), "sybil", 1, listenPort: 4000);
            await Eventually.UntilAsync(() => node.PeerCount == 2, TestNetwork.Wait, "the flooder registered");
            Peer link = node.GetPeers().Single(p => p.Name == "sybil");

            // Broadcasts from a thousand fresh identities: 200 fit the new-origin burst, the rest are faults.
            for (int i = 0; i < 1000 && link.State != PeerState.Closed; i++)
            {
                await raw.SendAsync(Frames.LiveMessage(NodeIdentity.Create(), "sybil" + i, "spam " + i).Frame);
            }
            await Eventually.UntilAsync(() => link.State == PeerState.Closed, TestNetwork.Wait, "the flooding link was closed");

            Assert.Equal(CloseReason.OverBudget, link.CloseReason);
            Assert.Equal(1, node.OverBudgetLinksClosed);
            Assert.InRange(node.BudgetDrops, 501, 800); // closed at the 501st fault; what was already in flight is not read
            Assert.Equal(CloseReason.OverBudget, (await raw.ReadCloseAsync(TestNetwork.Wait)).reason);
            raw.Dispose();

            // The honest neighbour stays and is heard; the flooder's address is refused for a while.
            await Eventually.UntilAsync(() => node.PeerCount == 1, TestNetwork.Wait, "only the honest link is left");
            node.Receive(new System.Collections.Generic.List<PeerMessage>()); // the flood's 200 that got in
            honest.Broadcast("still heard");
            Assert.Equal("still heard", node.Receive(TestNetwork.Wait)?.Text);
            using RawPeer again = await RawPeer.ConnectAsync(net.Network, node.Port, Hostile);
            Assert.True(await again.ReadsEndOfStreamAsync(TestNetwork.Wait));
            Assert.NotNull(node.GetAddressBook().Single(e => e.Address == "203.0.113.7:4000").DiscouragedUntil);
        }

        [Fact]
        public async Task An_honest_relay_that_passes_on_a_flood_it_did_not_make_keeps_its_link()
        {
            // mallory floods the relay, is closed, comes back under a new key (from loopback, never discouraged: the
            // worst case) and floods again, three times. The relay passes on what each link's budgets let through,
            // more than one link's budget in all; the node behind it counts drops but keeps the relay.
            using var net = new MemoryTestNetwork();
            PeerNode relay = net.Start("relay");
            PeerNode behind = net.Start("behind");
            await net.LinkAsync(behind, relay);
            await net.QuietAsync();
            for (int round = 0; round < 3; round++)
            {
                using RawPeer raw = await RawPeer.JoinAsync(net.Network, relay, name: "mallory" + round);
                Peer link = relay.GetPeers().Single(p => p.Name == "mallory" + round);
                long now = net.Clock.GetUtcNow().ToUnixTimeMilliseconds();
                for (int i = 0; i < 800 && link.State != PeerState.Closed; i++)
                {
                    await raw.SendAsync(Frames.NewMessage("sybil", "x", signer: NodeIdentity.Create(), timestampMs: now).Frame);
                }
                for (int i = 0; i < 1000 && link.State != PeerState.Closed; i++)
                {
                    await raw.SendAsync(MessageFrame.CreateAnnounce(raw.Identity, Id128.NewRandom(), "mallory" + round, now, 32).Frame);
                }
                await Eventually.UntilAsync(() => link.State == PeerState.Closed, TestNetwork.Wait, "round " + round + ": mallory was closed");
                Assert.Equal(CloseReason.OverBudget, link.CloseReason);
            }
            await net.QuietAsync(settle: false);

            Assert.True(behind.BudgetDrops > 0, "the node behind dropped some of what the relay passed on");
            Assert.Equal(0, behind.OverBudgetLinksClosed);
            Assert.Equal(PeerState.Connected, behind.GetPeers().Single().State);
            behind.Receive(new System.Collections.Generic.List<PeerMessage>()); // the sybils' messages that got through
            relay.Broadcast("after the storm");
            PeerMessage got = behind.Receive(TestNetwork.Wait);
            Assert.True(got?.Text == "after the storm", "got " + got?.Text + "; relay " + relay.Stats.Snapshot() + "; behind " + behind.Stats.Snapshot() + "; relay->behind queue " + relay.GetPeers().Single(p => p.Name == "behind").SendQueueLength + " " + behind.GetPeers().Single().State);
        }

        [Fact]
        public async Task Faults_spread_out_over_time_decay_and_never_close_the_link()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("relay");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "busy-relay");
            Peer link = node.GetPeers().Single();

            // 200 over-budget frames at the start of every minute for ten minutes: an honest relay passing on someone
            // else's flood. 2,000 faults in all, but the score halves every minute, so it never passes 400.
            for (int minute = 0; minute < 10; minute++)
            {
                long dropsBefore = node.BudgetDrops;
                int spent = minute == 0 ? 200 : 60; // the burst, then what a minute refills
                long now = net.Clock.GetUtcNow().ToUnixTimeMilliseconds(); // the node's clock: the replay window (§8.3) follows it
                for (int i = 0; i < spent + 200; i++) await raw.SendAsync(Frames.NewMessage("n" + minute + "-" + i, "x", signer: NodeIdentity.Create(), timestampMs: now).Frame);
                await Eventually.UntilAsync(() => node.BudgetDrops - dropsBefore == 200 || link.State == PeerState.Closed, TestNetwork.Wait, "minute " + minute + "'s frames were taken");
                Assert.True(link.State == PeerState.Connected, "minute " + minute + ": " + link.CloseReason + " " + link.CloseDetail);
                for (int step = 0; step < 12; step++)
                {
                    // A minute in steps, each after a frame the node skips: the link is never idle (§3.5).
                    long bytes = link.BytesReceived;
                    await raw.SendAsync(Frames.Prefixed(0x7E));
                    await Eventually.UntilAsync(() => link.BytesReceived > bytes, TestNetwork.Wait, "the node read the keepalive frame");
                    await net.JumpAsync(TimeSpan.FromSeconds(5), settle: false);
                }
            }
            Assert.Equal(2000, node.BudgetDrops);
            Assert.Equal(0, node.OverBudgetLinksClosed);
        }
    }
}
