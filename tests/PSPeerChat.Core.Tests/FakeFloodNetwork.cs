using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// An in-memory network of FloodRouters. Each node has its own identity and signs what it broadcasts. Each directed
    /// wire is an IFloodLink that puts the frame on one shared queue; Pump hands queued frames (decoded with the real
    /// codec, signature checked) to the router at the far end, in FIFO or a seeded random order.
    /// </summary>
    internal sealed class FakeFloodNetwork
    {
        private readonly List<(Wire wire, OutboundFrame frame)> _inFlight = new List<(Wire, OutboundFrame)>();

        public FakeFloodNetwork(int nodes)
        {
            for (int i = 0; i < nodes; i++) Nodes.Add(new Node(i));
        }

        public List<Node> Nodes { get; } = new List<Node>();

        public List<Wire> Wires { get; } = new List<Wire>();

        public int EdgeCount => Wires.Count / 2;

        public void Link(int a, int b)
        {
            var ab = new Wire(this, Nodes[a], Nodes[b]);
            var ba = new Wire(this, Nodes[b], Nodes[a]);
            ab.Reverse = ba;
            ba.Reverse = ab;
            Nodes[a].Links.Add(ab);
            Nodes[b].Links.Add(ba);
            Wires.Add(ab);
            Wires.Add(ba);
        }

        public static FakeFloodNetwork Line(int n)
        {
            var net = new FakeFloodNetwork(n);
            for (int i = 0; i + 1 < n; i++) net.Link(i, i + 1);
            return net;
        }

        public static FakeFloodNetwork Ring(int n)
        {
            var net = Line(n);
            net.Link(n - 1, 0);
            return net;
        }

        public static FakeFloodNetwork Mesh(int n)
        {
            var net = new FakeFloodNetwork(n);
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) net.Link(i, j);
            return net;
        }

        public static FakeFloodNetwork Star(int n)
        {
            var net = new FakeFloodNetwork(n);
            for (int i = 1; i < n; i++) net.Link(0, i);
            return net;
        }

        /// <summary>A fixed connected graph with a cycle of 3, a cycle of 4 and a tail.</summary>
        public static FakeFloodNetwork Irregular()
        {
            var net = new FakeFloodNetwork(7);
            foreach (var (a, b) in new[] { (0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 2), (5, 6) }) net.Link(a, b);
            return net;
        }

        public Id128 Broadcast(int origin, string text, byte hopLimit = ProtocolLimits.DefaultHopLimit)
        {
            Node node = Nodes[origin];
            FloodMessage m = MessageFrame.CreateMessage(node.Identity, Id128.NewRandom(), "node" + origin, 1_700_000_000_000, hopLimit, MessageFlags.None, text);
            node.Originated.Add(m.Id);
            node.Router.Originate(m, null, node.Links, 0, out _, out int dropped);
            if (dropped != 0) throw new InvalidOperationException("fake wires never refuse");
            return m.Id;
        }

        /// <summary>Delivers queued frames until none is left; returns how many were handed over.</summary>
        public int Pump(Random order = null)
        {
            int handed = 0;
            while (_inFlight.Count > 0)
            {
                int index = order == null ? 0 : order.Next(_inFlight.Count);
                var (wire, frame) = _inFlight[index];
                _inFlight.RemoveAt(index);
                handed++;
                if (handed > 1_000_000) throw new InvalidOperationException("the flood does not end");

                Node to = wire.To;
                FloodMessage m = Frames.Decode(frame.Frame);
                if (!MessageFrame.VerifySignature(m, to.Verifier)) throw new InvalidOperationException("a relayed frame no longer verifies at node " + to.Index);
                RouteResult result = to.Router.Route(m, wire.Reverse, to.Links, out _, out _);
                switch (result)
                {
                    case RouteResult.Deliver: to.Delivered.Add((m.Id, m.Hops)); break;
                    case RouteResult.Duplicate: to.Duplicates++; break;
                    case RouteResult.SelfEcho: to.SelfEchoes++; break;
                }
            }
            return handed;
        }

        internal sealed class Node
        {
            public Node(int index)
            {
                Index = index;
                Identity = NodeIdentity.Create();
                Id = Identity.NodeId;
                Router = new FloodRouter(new SeenCache(10_000, TimeSpan.FromMinutes(10)), Id);
            }

            public int Index { get; }
            public NodeIdentity Identity { get; }
            public Id128 Id { get; }
            public SignatureVerifier Verifier { get; } = new SignatureVerifier();
            public FloodRouter Router { get; }
            public List<IFloodLink> Links { get; } = new List<IFloodLink>();
            public List<Id128> Originated { get; } = new List<Id128>();
            public List<(Id128 id, int hops)> Delivered { get; } = new List<(Id128, int)>();
            public int Duplicates { get; set; }
            public int SelfEchoes { get; set; }
        }

        internal sealed class Wire : IFloodLink
        {
            private readonly FakeFloodNetwork _net;

            public Wire(FakeFloodNetwork net, Node from, Node to)
            {
                _net = net;
                From = from;
                To = to;
            }

            public Node From { get; }
            public Node To { get; }
            public Wire Reverse { get; set; }

            /// <summary>Ids of the messages this wire carried, in order.</summary>
            public List<Id128> Carried { get; } = new List<Id128>();

            public bool TryEnqueue(OutboundFrame frame, int waitMilliseconds)
            {
                Carried.Add(Frames.Decode(frame.Frame).Id);
                _net._inFlight.Add((this, frame));
                return true;
            }

            public override string ToString() => From.Index + "->" + To.Index;
        }
    }
}
