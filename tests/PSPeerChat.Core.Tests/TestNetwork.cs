using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Real PeerNodes on loopback ports chosen by the OS; Dispose stops every node.</summary>
    internal sealed class TestNetwork : IDisposable
    {
        public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

        public TestNetwork(int count, string prefix = "n", Action<PeerNodeOptions> configure = null)
            : this(Enumerable.Range(0, count).Select(i => prefix + i).ToArray(), configure)
        {
        }

        /// <summary>One node per name (names need not be unique).</summary>
        public TestNetwork(string[] names, Action<PeerNodeOptions> configure = null)
        {
            try
            {
                foreach (string name in names)
                {
                    PeerNodeOptions options = Options(name);
                    configure?.Invoke(options);
                    Nodes.Add(PeerNode.Start(options));
                    Inboxes.Add(new List<PeerMessage>());
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public List<PeerNode> Nodes { get; } = new List<PeerNode>();

        /// <summary>Everything each node's Receive handed out so far.</summary>
        public List<List<PeerMessage>> Inboxes { get; } = new List<List<PeerMessage>>();

        public PeerNode this[int i] => Nodes[i];

        /// <summary>
        /// Loopback, a port from the OS, and no automatic dialling (TargetPeers 0): the tests build fixed topologies.
        /// The periodic announcement is pushed out of every test's lifetime; nodes still announce when they gain links.
        /// </summary>
        public static PeerNodeOptions Options(string name) => new PeerNodeOptions
        {
            Port = 0,
            FallForward = false,
            ListenAddress = "127.0.0.1",
            Name = name,
            TargetPeers = 0,
            AnnounceInterval = TimeSpan.FromMinutes(30),
        };

        public static string AddressOf(PeerNode node) => "127.0.0.1:" + node.Port;

        public static bool HasPeer(PeerNode node, PeerNode other) => node.GetPeers().Any(p => p.Id == other.Id && p.State == PeerState.Connected);

        /// <summary>Two nodes, linked: node 0 dials node 1. Disposed again if linking fails.</summary>
        public static async Task<TestNetwork> LinkedPairAsync(string prefix)
        {
            var net = new TestNetwork(2, prefix);
            try
            {
                await net.LinkAsync(0, 1);
                return net;
            }
            catch
            {
                net.Dispose();
                throw;
            }
        }

        /// <summary>Node a dials node b; returns when both ends have registered the link.</summary>
        public async Task<Peer> LinkAsync(int a, int b)
        {
            Peer peer = await Nodes[a].ConnectAsync(AddressOf(Nodes[b]), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            await Eventually.UntilAsync(() => HasPeer(Nodes[a], Nodes[b]) && HasPeer(Nodes[b], Nodes[a]), Wait, Nodes[a].Name + " and " + Nodes[b].Name + " both list their link");
            return peer;
        }

        /// <summary>True when node i's directory lists every other node of the network.</summary>
        public bool KnowsEveryone(int i)
        {
            var known = new HashSet<string>(Nodes[i].GetDirectory().Select(e => e.Id));
            return Nodes.Where((n, j) => j != i).All(n => known.Contains(n.Id));
        }

        /// <summary>
        /// Lets the announcements of a freshly built network die down, so frame counters move only for what a test sends:
        /// waits until every directory is complete (from then on nobody learns a newcomer, which is what triggers an
        /// announcement), announces every node once more (which clears any announcement still pending) and waits until
        /// those floods have been received and nothing is queued.
        /// </summary>
        public async Task SettleAsync(long framesPerFlood)
        {
            await Eventually.UntilAsync(() => Enumerable.Range(0, Nodes.Count).All(KnowsEveryone), Wait, "every directory lists every node", DescribeDirectories);
            long before = Traffic().received;
            int announced = Nodes.Count(n => n.Announce());
            await Eventually.UntilAsync(() =>
            {
                var t = Traffic();
                return t.received - before >= announced * framesPerFlood && t.sent == t.received && t.queued == 0;
            }, Wait, "the last announcements were received everywhere", Describe);
        }

        /// <summary>Moves newly arrived messages of node i into its inbox list and returns it.</summary>
        public List<PeerMessage> Collect(int i)
        {
            Nodes[i].Receive(Inboxes[i]);
            return Inboxes[i];
        }

        public void CollectAll()
        {
            for (int i = 0; i < Nodes.Count; i++) Collect(i);
        }

        /// <summary>Flooded frames (messages, announcements, direct messages) sent and received over all links, and frames still queued.</summary>
        public (long sent, long received, int queued) Traffic()
        {
            var peers = Nodes.SelectMany(n => n.GetPeers()).ToList();
            return (peers.Sum(p => p.MessagesSent), peers.Sum(p => p.MessagesReceived), peers.Sum(p => p.SendQueueLength));
        }

        public string Describe()
        {
            var t = Traffic();
            return "frames sent " + t.sent + ", received " + t.received + ", queued " + t.queued + "; inboxes "
                + string.Join(" ", Nodes.Select((n, i) => n.Name + "=" + Inboxes[i].Count + "(+" + n.InboxCount + ")"));
        }

        public string DescribeDirectories()
        {
            return string.Join("; ", Nodes.Select(n => n.Name + " knows " + string.Join(",", n.GetDirectory().Select(e => e.Name))));
        }

        public void Dispose()
        {
            foreach (PeerNode node in Nodes) node.Stop();
        }
    }
}
