using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Keys are free: one link cannot make the whole network verify a flood from fresh identities, nor relay junk
    /// DIRECTs without end (protocol.md §8.8). The budget is per link, so honest links are not affected.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class BudgetAttackTests
    {
        [Fact]
        public async Task Broadcasts_from_three_hundred_fresh_identities_on_one_link_are_cut_at_its_budget()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            PeerNode honest = net.Start("honest");
            await net.LinkAsync(honest, node);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "sybil");
            await net.QuietAsync();
            long before = node.MessagesDelivered;

            for (int i = 0; i < 300; i++) await raw.SendAsync(Frames.LiveMessage(NodeIdentity.Create(), "sybil" + i, "spam " + i).Frame);
            await Eventually.UntilAsync(() => node.MessagesDelivered - before + node.BudgetDrops == 300, TestNetwork.Wait, "the victim took all 300");

            Assert.Equal(200, node.MessagesDelivered - before); // the burst
            Assert.Equal(100, node.BudgetDrops);
            // The honest neighbour's messages are not charged to the sybil's link.
            honest.Broadcast("still heard");
            await Eventually.UntilAsync(() => node.MessagesDelivered - before == 201, TestNetwork.Wait, "the honest broadcast got through");

            await net.JumpAsync(TimeSpan.FromMinutes(1), settle: false); // a minute refills 60
            long afterMinute = node.MessagesDelivered;
            for (int i = 0; i < 100; i++) await raw.SendAsync(Frames.LiveMessage(NodeIdentity.Create(), "late" + i, "spam").Frame);
            await Eventually.UntilAsync(() => node.BudgetDrops == 140, TestNetwork.Wait, "the second flood was cut at 60");
            Assert.Equal(60, node.MessagesDelivered - afterMinute);
        }

        [Fact]
        public async Task Announcements_relayed_on_one_link_are_cut_at_its_budget()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("relay");
            PeerNode behind = net.Start("behind");
            await net.LinkAsync(behind, node);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "chatty");
            await net.QuietAsync();
            long dropsBefore = node.BudgetDrops;

            // 1,200 signed announcements of 150 other nodes, as a relay would pass them on (hops 2): each new one costs
            // every node a check. 150 spend the new-origin budget too; 1,000 fit the ANNOUNCE budget at once.
            long now = net.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            var others = Enumerable.Range(0, 150).Select(_ => NodeIdentity.Create()).ToArray();
            for (int i = 0; i < 1200; i++)
            {
                await raw.SendAsync(Frames.WithHops(MessageFrame.CreateAnnounce(others[i % 150], Id128.NewRandom(), "n" + (i % 150), now, 32).Frame, 2));
            }
            await Eventually.UntilAsync(() => node.BudgetDrops - dropsBefore == 200, TestNetwork.Wait, "the relay cut the announcements at 1,000");
            await net.QuietAsync(settle: false);
            Assert.Equal(200, node.BudgetDrops - dropsBefore);
            Assert.Equal(PeerState.Connected, node.GetPeers().Single(p => p.Name == "chatty").State); // relayed: no fault
        }

        [Fact]
        public async Task A_neighbour_announcing_itself_again_and_again_is_cut_at_thirty_and_then_closed()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "chatty");
            Peer link = node.GetPeers().Single();
            long now = net.Clock.GetUtcNow().ToUnixTimeMilliseconds();

            // Honest nodes announce once a minute, after a change once every 2 s at most.
            for (int i = 0; i < 600 && link.State != PeerState.Closed; i++)
            {
                await raw.SendAsync(MessageFrame.CreateAnnounce(raw.Identity, Id128.NewRandom(), "chatty", now, 32).Frame);
            }
            await Eventually.UntilAsync(() => link.State == PeerState.Closed, TestNetwork.Wait, "the link was closed");
            Assert.Equal(CloseReason.OverBudget, link.CloseReason);
            Assert.Equal(501, node.BudgetDrops); // 30 let through, then 501 faults of its own
        }

        [Fact]
        public async Task Junk_DIRECTs_from_one_link_are_relayed_only_up_to_its_budget()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("relay");
            PeerNode behind = net.Start("behind");
            await net.LinkAsync(behind, node);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "junk");
            await net.QuietAsync();

            for (int i = 0; i < 100; i++)
            {
                FloodMessage junk = DirectFrame.Create(raw.Identity, "junk", Id128.NewRandom(), Id128.NewRandom(), raw.Remote.EncryptionKey, Frames.Now, 32, "junk");
                await raw.SendAsync(junk.Frame);
            }
            await Eventually.UntilAsync(() => node.MessagesRelayed + node.BudgetDrops == 100, TestNetwork.Wait, "the relay took all 100");

            Assert.Equal(60, node.MessagesRelayed);
            Assert.Equal(40, node.BudgetDrops);
        }
    }
}
