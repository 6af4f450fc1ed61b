using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Stats;
using Microsoft.Extensions.Time.Testing;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// An in-memory network of flood receivers, the same FloodReceiver (and so the same ordered checks) a node runs.
    /// Each node has its own identity and signs what it broadcasts. Each directed wire is an ILink that puts the frame
    /// on one shared queue; Pump hands queued frames, as bytes, to the receiver at the far end, in FIFO or a seeded
    /// random order. Time stands still on a fake clock at the messages' timestamp, so the replay window passes them.
    /// </summary>
    internal sealed class FakeFloodNetwork
    {
        private readonly List<(Wire wire, OutboundFrame frame)> _inFlight = new List<(Wire, OutboundFrame)>();

        /// <summary>The timestamp of every broadcast, and the time on every node's clock.</summary>
        public const long MessageTime = 1_700_000_000_000;

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
            FloodMessage m = MessageFrame.CreateMessage(node.Identity, Id128.NewRandom(), "node" + origin, MessageTime, hopLimit, MessageFlags.None, text);
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
                long duplicatesBefore = to.Stats.DuplicatesDropped;
                FloodDelivery delivery = to.Receiver.Receive(wire.Reverse, frame.Frame, ProtocolLimits.LengthPrefix, frame.Frame.Length - ProtocolLimits.LengthPrefix, to.Links, out FloodMessage m, out bool closed);
                if (closed) throw new InvalidOperationException("node " + to.Index + " closed the wire from " + wire.From.Index + " (" + wire.Reverse.ClosedWith + "): a relayed frame failed a check");
                if (delivery == FloodDelivery.Message) to.Delivered.Add((m.Id, m.Hops));
                else if (m != null && m.OriginId == to.Id) to.SelfEchoes++; // passed the seen check: the origin forgot its own id
                else if (to.Stats.DuplicatesDropped > duplicatesBefore) to.Duplicates++;
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
                var seen = new SeenCache(10_000, TimeSpan.FromMinutes(10), () => (long)Clock.GetElapsedTime(0).TotalMilliseconds);
                Router = new FloodRouter(seen, Id);
                Receiver = new FloodReceiver(Router, new ReplayWindow(Clock, seen, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30)), Identity, Verifier, Stats);
            }

            public int Index { get; }
            public NodeIdentity Identity { get; }
            public Id128 Id { get; }
            public SignatureVerifier Verifier { get; } = new SignatureVerifier();
            public FloodRouter Router { get; }
            public FloodReceiver Receiver { get; }
            public NodeStats Stats { get; } = new NodeStats();
            public FakeTimeProvider Clock { get; } = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(MessageTime));
            public List<ILink> Links { get; } = new List<ILink>();
            public List<Id128> Originated { get; } = new List<Id128>();
            public List<(Id128 id, int hops)> Delivered { get; } = new List<(Id128, int)>();
            public int Duplicates { get; set; }
            public int SelfEchoes { get; set; }
        }

        internal sealed class Wire : ILink
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

            /// <summary>Why a receiver closed this wire, if one did.</summary>
            public CloseReason ClosedWith { get; private set; }

            /// <summary>Ids of the messages this wire carried, in order.</summary>
            public List<Id128> Carried { get; } = new List<Id128>();

            public bool TryEnqueue(OutboundFrame frame, int waitMilliseconds)
            {
                Carried.Add(Frames.Decode(frame.Frame).Id);
                _net._inFlight.Add((this, frame));
                return true;
            }

            public void Close(CloseReason reason, string detail) => ClosedWith = reason;

            public void Misbehaved(string detail) => ClosedWith = CloseReason.ProtocolError;

            public bool TrySpend(FloodBudget kind) => true;

            public bool Fault(string what) => false;

            public PSPeerChat.Identity.Id128 RemoteId => default;

            public override string ToString() => From.Index + "->" + To.Index;
        }
    }
}
