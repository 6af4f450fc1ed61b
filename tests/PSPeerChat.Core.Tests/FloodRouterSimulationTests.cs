using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Protocol;
using Xunit;
using PSPeerChat.Identity;

namespace PSPeerChat.Core.Tests
{
    /// <summary>FloodRouter in whole in-memory networks: every broadcast reaches every other node exactly once.</summary>
    public class FloodRouterSimulationTests
    {
        private static FakeFloodNetwork Build(string topology)
        {
            switch (topology)
            {
                case "line": return FakeFloodNetwork.Line(6);
                case "ring": return FakeFloodNetwork.Ring(6);
                case "mesh": return FakeFloodNetwork.Mesh(6);
                case "star": return FakeFloodNetwork.Star(6);
                case "irregular": return FakeFloodNetwork.Irregular();
                default: throw new ArgumentException(topology);
            }
        }

        public static IEnumerable<object[]> Cases()
        {
            foreach (string topology in new[] { "line", "ring", "mesh", "star", "irregular" })
            {
                yield return new object[] { topology, -1 };   // FIFO: frames arrive in send order
                yield return new object[] { topology, 1 };    // seeded random arrival orders
                yield return new object[] { topology, 2 };
                yield return new object[] { topology, 3 };
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Every_broadcast_is_delivered_exactly_once_at_every_other_node(string topology, int seed)
        {
            FakeFloodNetwork net = Build(topology);
            int n = net.Nodes.Count;
            var all = new List<Id128>();
            // Every node broadcasts twice before anything is delivered: all floods run at once.
            for (int round = 0; round < 2; round++)
            {
                foreach (var node in net.Nodes) all.Add(net.Broadcast(node.Index, "round " + round + " from " + node.Index));
            }
            int handed = net.Pump(seed < 0 ? null : new Random(seed));

            foreach (var node in net.Nodes)
            {
                var expected = all.Except(node.Originated).OrderBy(x => x.ToString()).ToList();
                var delivered = node.Delivered.Select(d => d.id).OrderBy(x => x.ToString()).ToList();
                Assert.True(expected.SequenceEqual(delivered), topology + ": node " + node.Index + " got " + delivered.Count + " messages, " + delivered.Distinct().Count() + " distinct; expected " + expected.Count);
                Assert.Empty(node.Delivered.Select(d => d.id).Intersect(node.Originated));
                Assert.Equal(0, node.SelfEchoes); // the origin remembers its own ids, so echoes are plain duplicates
            }

            // Each node relays each message at most once: no wire carries an id twice.
            foreach (var wire in net.Wires)
            {
                var twice = wire.Carried.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                Assert.True(twice.Count == 0, topology + ": wire " + wire + " carried " + twice.Count + " messages more than once");
            }

            // Flooding with a hop limit that never binds: the origin sends on all its links, every other node on all but one,
            // so each message costs exactly 2E - (N - 1) frames, of which N - 1 are first copies and the rest duplicates.
            int perMessage = 2 * net.EdgeCount - (n - 1);
            Assert.Equal(all.Count * perMessage, net.Wires.Sum(w => w.Carried.Count));
            Assert.Equal(all.Count * perMessage, handed);
            Assert.Equal(all.Count * (perMessage - (n - 1)), net.Nodes.Sum(x => x.Duplicates));
        }

        [Theory]
        [InlineData("line")]
        [InlineData("ring")]
        [InlineData("mesh")]
        [InlineData("star")]
        [InlineData("irregular")]
        public void In_send_order_the_first_copy_takes_a_shortest_path(string topology)
        {
            FakeFloodNetwork net = Build(topology);
            for (int origin = 0; origin < net.Nodes.Count; origin++)
            {
                Id128 id = net.Broadcast(origin, "from " + origin);
                net.Pump();
                int[] distance = Distances(net, origin);
                foreach (var node in net.Nodes.Where(x => x.Index != origin))
                {
                    Assert.Equal(distance[node.Index], node.Delivered.Single(d => d.id == id).hops);
                }
            }
        }

        [Fact]
        public void The_hop_limit_stops_the_flood_on_a_line()
        {
            FakeFloodNetwork net = FakeFloodNetwork.Line(6);

            Id128 id = net.Broadcast(0, "three hops only", hopLimit: 3);
            net.Pump();

            for (int k = 1; k <= 3; k++) Assert.Equal(k, net.Nodes[k].Delivered.Single(d => d.id == id).hops);
            Assert.Empty(net.Nodes[4].Delivered);
            Assert.Empty(net.Nodes[5].Delivered);
            Assert.Empty(net.Wires.Single(w => w.From.Index == 3 && w.To.Index == 4).Carried);
        }

        [Fact]
        public void A_hop_limit_of_one_reaches_only_the_neighbours()
        {
            FakeFloodNetwork net = FakeFloodNetwork.Ring(6);

            net.Broadcast(0, "neighbours only", hopLimit: 1);
            net.Pump();

            Assert.Equal(new[] { 1, 5 }, net.Nodes.Where(x => x.Delivered.Count == 1).Select(x => x.Index).ToArray());
            Assert.Equal(2, net.Wires.Sum(w => w.Carried.Count));
        }

        private static int[] Distances(FakeFloodNetwork net, int origin)
        {
            var distance = Enumerable.Repeat(-1, net.Nodes.Count).ToArray();
            distance[origin] = 0;
            var queue = new Queue<int>(new[] { origin });
            while (queue.Count > 0)
            {
                int at = queue.Dequeue();
                foreach (var wire in net.Wires.Where(w => w.From.Index == at && distance[w.To.Index] < 0))
                {
                    distance[wire.To.Index] = distance[at] + 1;
                    queue.Enqueue(wire.To.Index);
                }
            }
            return distance;
        }
    }
}
