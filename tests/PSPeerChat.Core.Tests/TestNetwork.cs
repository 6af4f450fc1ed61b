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

        public TestNetwork(int count, string prefix = "n")
        {
            try
            {
                for (int i = 0; i < count; i++)
                {
                    Nodes.Add(PeerNode.Start(Options(prefix + i)));
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

        /// <summary>Loopback, a port from the OS, and no automatic dialling (TargetPeers 0): the tests build fixed topologies.</summary>
        public static PeerNodeOptions Options(string name) => new PeerNodeOptions { Port = 0, FallForward = false, ListenAddress = "127.0.0.1", Name = name, TargetPeers = 0 };

        public static string AddressOf(PeerNode node) => "127.0.0.1:" + node.Port;

        public static bool HasPeer(PeerNode node, PeerNode other) => node.GetPeers().Any(p => p.Id == other.Id && p.State == PeerState.Connected);

        /// <summary>Node a dials node b; returns when both ends have registered the link.</summary>
        public async Task<Peer> LinkAsync(int a, int b)
        {
            Peer peer = await Nodes[a].ConnectAsync(AddressOf(Nodes[b]), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            await Eventually.UntilAsync(() => HasPeer(Nodes[a], Nodes[b]) && HasPeer(Nodes[b], Nodes[a]), Wait, "n" + a + " and n" + b + " both list their link");
            return peer;
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

        /// <summary>MESSAGE frames sent and received over all links of the network, and frames still queued.</summary>
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

        public void Dispose()
        {
            foreach (PeerNode node in Nodes) node.Stop();
        }
    }
}
