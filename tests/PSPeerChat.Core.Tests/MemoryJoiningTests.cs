using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Joining and repair (protocol.md §4.2) over the in-memory network, the fake clock driving dialling and backoff.</summary>
    [Collection(FakeClockCollection.Name)]
    public class MemoryJoiningTests
    {
        private static void Joining(PeerNodeOptions o, PeerNode entry)
        {
            o.TargetPeers = 3;
            if (entry != null) o.Bootstrap = new[] { MemoryTestNetwork.AddressOf(entry) };
        }

        [Fact]
        public async Task Nodes_that_know_only_the_entry_node_find_each_other_and_reach_their_target()
        {
            using var net = new MemoryTestNetwork();
            PeerNode entry = net.Start("entry", o => Joining(o, null));
            PeerNode[] joiners = Enumerable.Range(1, 7).Select(i => net.Start("j" + i, o => Joining(o, entry))).ToArray();

            int ticks = await net.TickUntilAsync(() => net.Nodes.All(n => n.PeerCount >= 3), 30, "every node holds its 3 links", () => string.Join(" ", net.Nodes.Select(n => n.Name + "=" + n.PeerCount)));

            // Each joiner learned addresses beyond the entry node: most of its links are to other joiners.
            Assert.All(joiners, j => Assert.Contains(j.GetPeers(), p => p.Id != entry.Id));
            Assert.All(joiners, j => Assert.True(j.GetAddressBook().Length >= 3, j.Name + " knows " + j.GetAddressBook().Length + " addresses"));
            Assert.InRange(ticks, 1, 30);
        }

        [Fact]
        public async Task When_a_node_dies_without_a_goodbye_its_neighbours_repair_their_links_from_the_book()
        {
            using var net = new MemoryTestNetwork();
            PeerNode entry = net.Start("entry", o => Joining(o, null));
            for (int i = 1; i < 8; i++) net.Start("j" + i, o => Joining(o, entry));
            await net.TickUntilAsync(() => net.Nodes.All(n => n.PeerCount >= 3), 30, "every node holds its 3 links");

            PeerNode victim = net.Nodes.OrderByDescending(n => n.PeerCount).First();
            string[] orphaned = net.Nodes.Where(n => n != victim && n.GetPeers().Any(p => p.Id == victim.Id)).Select(n => n.Name).ToArray();
            victim.Abort();

            PeerNode[] alive = net.Nodes.Where(n => n != victim).ToArray();
            await net.TickUntilAsync(() => alive.All(n => n.PeerCount >= 3 && n.GetPeers().All(p => p.Id != victim.Id)), 30,
                "the neighbours of " + victim.Name + " (" + string.Join(",", orphaned) + ") are back at 3 links", () => string.Join(" ", alive.Select(n => n.Name + "=" + n.PeerCount)));

            // The network is still one: a broadcast reaches every survivor.
            alive[0].Broadcast("still whole");
            await Eventually.UntilAsync(() => alive.Skip(1).All(n => n.MessagesDelivered >= 1), TestNetwork.Wait, "every survivor delivered the broadcast");
        }

        [Fact]
        public async Task A_bootstrap_address_that_is_not_up_yet_is_retried_with_backoff_until_it_answers()
        {
            using var net = new MemoryTestNetwork();
            PeerNode early = net.Start("early", o =>
            {
                o.TargetPeers = 1;
                o.Bootstrap = new[] { "127.0.0.1:30999" };
            });
            await net.TickAsync(3);
            PeerAddressEntry pending = Assert.Single(early.GetAddressBook());
            Assert.True(pending.Failures >= 1, "the dead address was tried");

            PeerNode late = net.Start("late", o => o.Port = 30999);
            await net.TickUntilAsync(() => early.PeerCount == 1, 15, "the early node linked to the late one");
            Assert.Equal(late.Id, early.GetPeers().Single().Id);
        }
    }
}
