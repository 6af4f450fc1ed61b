using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace PSPeerChat.Core.Tests
{
    /// <summary>A whole network in one process: a thousand real nodes over the in-memory network, on one fake clock.</summary>
    [Collection(FakeClockCollection.Name)]
    public class SimulationTests
    {
        private readonly ITestOutputHelper _output;

        public SimulationTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Fact]
        public async Task A_thousand_nodes_join_through_one_entry_node_and_one_broadcast_reaches_every_one_exactly_once()
        {
            const int Count = 1000;
            var clock = Stopwatch.StartNew();
            using var net = new MemoryTestNetwork { RealWait = TimeSpan.FromSeconds(90) };
            void Configure(PeerNodeOptions o)
            {
                o.TargetPeers = 3;
                // Every node's announcement checked by every other node would be a million signature checks: the
                // directory is not what this test is about (neighbours still learn each other from the handshake).
                o.Announcements = false;
            }
            PeerNode entry = net.Start("entry", Configure);
            // They come a hundred per second of the fake clock, all through the entry node (which holds 32 links and
            // refuses the others with addresses to try instead), so the test does not spend its time on one storm.
            for (int i = 1; i < Count; i++)
            {
                net.Start("n" + i, o => { Configure(o); o.Bootstrap = new[] { MemoryTestNetwork.AddressOf(entry) }; });
                if (i % 100 == 0) await net.TickAsync();
            }
            TimeSpan started = clock.Elapsed;

            int ticks = await net.TickUntilAsync(() => net.Nodes.All(n => n.PeerCount >= 3), 120, "every node holds its 3 links",
                () => net.Nodes.Count(n => n.PeerCount < 3) + " nodes short of links");
            TimeSpan joined = clock.Elapsed;
            int links = net.Nodes.Sum(n => n.PeerCount) / 2;

            PeerNode origin = net.Nodes[Count - 1];
            PeerMessage sent = origin.Broadcast("to all thousand");
            PeerNode[] others = net.Nodes.Where(n => n != origin).ToArray();
            await Eventually.UntilAsync(() => others.All(n => n.MessagesDelivered >= 1), TimeSpan.FromSeconds(60), "every node delivered the broadcast",
                () => others.Count(n => n.MessagesDelivered == 0) + " nodes still without it");
            TimeSpan flooded = clock.Elapsed;
            await net.QuietAsync();

            // Exactly once: every other node has this one message in its inbox, once; the origin has none.
            var inbox = new List<PeerMessage>();
            int maxHops = 0;
            foreach (PeerNode node in others)
            {
                inbox.Clear();
                node.Receive(inbox);
                PeerMessage got = Assert.Single(inbox);
                Assert.Equal(sent.Id, got.Id);
                Assert.True(got.Verified);
                Assert.Equal(1, node.MessagesDelivered);
                maxHops = Math.Max(maxHops, got.Hops);
            }
            Assert.Equal(0, origin.MessagesDelivered);
            long duplicates = net.Nodes.Sum(n => n.DuplicatesDropped);
            // Flood fill sends the message across every link both ways, except back to where a node first got it (the
            // origin sends on all its links): 2L - (N - 1) copies; all but the N - 1 first copies are duplicates.
            Assert.Equal(2 * links - 2 * (Count - 1), duplicates);

            _output.WriteLine(Count + " nodes started (100 per tick) in " + started.TotalSeconds.ToString("N1") + " s; joined (" + links + " links, every node at 3 or more) after "
                + ticks + " more ticks of the fake clock, " + (joined - started).TotalSeconds.ToString("N1") + " s; the broadcast reached all "
                + others.Length + " others in " + (flooded - joined).TotalMilliseconds.ToString("N0") + " ms, at most " + maxHops + " hops; "
                + net.Nodes.Max(n => n.PeerCount) + " links at the busiest node. Entry node: " + entry.Stats.Snapshot() + ".");
        }
    }
}
