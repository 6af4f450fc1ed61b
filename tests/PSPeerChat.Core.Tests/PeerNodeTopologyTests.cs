using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Flooding over real loopback TCP in a line, a ring and a full mesh of six nodes.</summary>
    public class PeerNodeTopologyTests
    {
        private const int N = 6;
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        private static IEnumerable<(int, int)> Edges(string topology)
        {
            switch (topology)
            {
                case "line": return Enumerable.Range(0, N - 1).Select(i => (i, i + 1));
                case "ring": return Enumerable.Range(0, N).Select(i => (i, (i + 1) % N));
                case "mesh": return from i in Enumerable.Range(0, N) from j in Enumerable.Range(0, N) where i < j select (i, j);
                default: throw new ArgumentException(topology);
            }
        }

        /// <summary>
        /// Builds the topology and lets the nodes' announcements (flooded like messages, so they move the same counters)
        /// die down: the counts below are then taken relative to <see cref="Baseline"/>.
        /// </summary>
        private static async Task<TestNetwork> BuildAsync(string topology)
        {
            var net = new TestNetwork(N, topology);
            try
            {
                foreach (var (a, b) in Edges(topology)) await net.LinkAsync(a, b);
                await net.SettleAsync(FramesPerMessage(topology));
                return net;
            }
            catch
            {
                net.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Flooding with a hop limit that never binds costs exactly 2E - (N - 1) frames per message: the origin sends
        /// on each of its links, every other node relays on all its links but the one the first copy came from.
        /// </summary>
        private static long FramesPerMessage(string topology) => 2 * Edges(topology).Count() - (N - 1);

        /// <summary>Counters of a settled network, before the test's broadcasts.</summary>
        private sealed class Baseline
        {
            public Baseline(TestNetwork net)
            {
                Received = net.Traffic().received;
                Relayed = net.Nodes.Select(n => n.MessagesRelayed).ToArray();
                Duplicates = net.Nodes.Select(n => n.DuplicatesDropped).ToArray();
            }

            public long Received { get; }
            public long[] Relayed { get; }
            public long[] Duplicates { get; }

            public long FramesSince(TestNetwork net) => net.Traffic().received - Received;
            public long[] RelayedSince(TestNetwork net) => net.Nodes.Select((n, i) => n.MessagesRelayed - Relayed[i]).ToArray();
            public long[] DuplicatesSince(TestNetwork net) => net.Nodes.Select((n, i) => n.DuplicatesDropped - Duplicates[i]).ToArray();
        }

        /// <summary>Waits until every frame of the given number of broadcasts has been sent, received and handled.</summary>
        private static Task QuiescentAsync(TestNetwork net, Baseline baseline, long expectedFrames, Func<bool> alsoTrue, string what)
        {
            return Eventually.UntilAsync(() =>
            {
                net.CollectAll();
                var t = net.Traffic();
                return alsoTrue() && t.received - baseline.Received >= expectedFrames && t.sent == t.received && t.queued == 0;
            }, Wait, what, net.Describe);
        }

        [Fact]
        public async Task In_a_line_a_broadcast_from_an_end_reaches_every_other_node_once_with_hops_equal_to_the_distance()
        {
            using var net = await BuildAsync("line");
            var baseline = new Baseline(net);

            PeerMessage west = net[0].Broadcast("from the west end");
            await QuiescentAsync(net, baseline, 5, () => Enumerable.Range(1, 5).All(k => net.Inboxes[k].Count >= 1) && net.Nodes.Sum(n => n.MessagesDelivered) >= 5, "the west broadcast reached n1..n5");

            Assert.Empty(net.Inboxes[0]);
            for (int k = 1; k < N; k++)
            {
                PeerMessage m = Assert.Single(net.Inboxes[k]);
                Assert.Equal(west.Id, m.Id);
                Assert.Equal("from the west end", m.Text);
                Assert.Equal(net[0].Id, m.From);
                Assert.Equal(k, m.Hops);
                Assert.Equal(net[k - 1].Id, m.Via);
            }

            PeerMessage east = net[5].Broadcast("from the east end");
            await QuiescentAsync(net, baseline, 10, () => Enumerable.Range(0, 5).All(k => net.Inboxes[k].Any(m => m.Id == east.Id)) && net.Nodes.Sum(n => n.MessagesDelivered) >= 10, "the east broadcast reached n0..n4");

            for (int k = 0; k < N - 1; k++)
            {
                Assert.Equal(N - 1 - k, net.Inboxes[k].Single(m => m.Id == east.Id).Hops);
            }
            Assert.Single(net.Inboxes[5]);
            Assert.Equal(2 * FramesPerMessage("line"), baseline.FramesSince(net));
            Assert.All(baseline.DuplicatesSince(net), d => Assert.Equal(0, d));
            Assert.Equal(new long[] { 0, 2, 2, 2, 2, 0 }, baseline.RelayedSince(net));
            Assert.Equal(new long[] { 1, 2, 2, 2, 2, 1 }, net.Nodes.Select(n => n.MessagesDelivered).ToArray());
            Assert.All(net.Inboxes.SelectMany(box => box), m => Assert.True(m.Verified, "every broadcast arrives with a checked signature"));
        }

        [Theory]
        [InlineData("ring")]
        [InlineData("mesh")]
        public async Task Every_node_broadcasts_once_and_every_node_receives_the_others_exactly_once(string topology)
        {
            using var net = await BuildAsync(topology);
            var baseline = new Baseline(net);
            long perMessage = FramesPerMessage(topology);

            var hello = Enumerable.Range(0, N).Select(i => net[i].Broadcast("hello from n" + i)).ToList();
            await Eventually.UntilAsync(() => { net.CollectAll(); return net.Inboxes.All(box => box.Count >= N - 1); }, Wait, "every node has " + (N - 1) + " messages", net.Describe);

            // A marker from every node through the same links: once every node has every marker and the network is
            // quiet at the exact frame count, any extra copy of the first round would have shown up.
            var markers = Enumerable.Range(0, N).Select(i => net[i].Broadcast("marker from n" + i)).ToList();
            await QuiescentAsync(net, baseline, 2 * N * perMessage, () => net.Inboxes.All(box => box.Count >= 2 * (N - 1)) && net.Nodes.Sum(n => n.MessagesDelivered) >= N * 2 * (N - 1), "every node has every marker and no frame is in flight");

            for (int i = 0; i < N; i++)
            {
                var ids = net.Inboxes[i].Select(m => m.Id).ToList();
                var expected = hello.Concat(markers).Where(m => m.From != net[i].Id).Select(m => m.Id).OrderBy(x => x);
                Assert.Equal(2 * (N - 1), ids.Count);
                Assert.Equal(expected, ids.OrderBy(x => x));
                Assert.DoesNotContain(net.Inboxes[i], m => m.From == net[i].Id);
                // Each neighbour's messages arrive in the order it sent them.
                for (int j = 0; j < N; j++)
                {
                    if (j == i) continue;
                    Assert.Equal(new[] { "hello from n" + j, "marker from n" + j }, net.Inboxes[i].Where(m => m.From == net[j].Id).Select(m => m.Text));
                }
            }

            int messages = 2 * N;
            Assert.Equal(messages * perMessage, baseline.FramesSince(net));
            Assert.Equal(messages * (perMessage - (N - 1)), baseline.DuplicatesSince(net).Sum());
            Assert.All(net.Nodes, n => Assert.Equal(messages - 2, n.MessagesDelivered));
            Assert.All(baseline.RelayedSince(net), r => Assert.Equal(messages - 2, r)); // each foreign message relayed once
            Assert.All(net.Nodes, n => Assert.Equal(0, n.InvalidFrames));
        }
    }
}
