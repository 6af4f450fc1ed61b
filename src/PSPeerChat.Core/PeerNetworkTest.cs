using System.Collections.Generic;

namespace PSPeerChat
{
    /// <summary>
    /// What Test-PeerNetwork measured: probe broadcasts sent from one node, and the receipts that came back along each
    /// probe's path (protocol.md §11). Reach is measured against the node's directory: the nodes it has heard of.
    /// </summary>
    public sealed class PeerNetworkTest
    {
        /// <summary>The node that sent the probes.</summary>
        public string Node { get; set; }

        /// <summary>Probe broadcasts sent.</summary>
        public int Probes { get; set; }

        /// <summary>Nodes expected to answer: the directory of the node when the test started (itself not counted).</summary>
        public int Expected { get; set; }

        /// <summary>Nodes that answered at least one probe (directory or not).</summary>
        public int Answered { get; set; }

        /// <summary>Share of the expected nodes' receipts that came back, over all probes, in percent (100: every node got every probe).</summary>
        public double Reach { get; set; }

        /// <summary>Receipts by the hop count at which the probe reached the node (the flood's first copy).</summary>
        public SortedDictionary<int, int> HopCounts { get; set; }

        /// <summary>The largest hop count of a receipt.</summary>
        public int MaxHops { get; set; }

        /// <summary>Probe sent to probe received, by the two nodes' clocks (their skew included), median and 99th percentile, ms.</summary>
        public double LatencyP50Ms { get; set; }

        public double LatencyP99Ms { get; set; }

        /// <summary>Probe sent to receipt back at the sender, by this node's clock only, median and 99th percentile, ms.</summary>
        public double RoundTripP50Ms { get; set; }

        public double RoundTripP99Ms { get; set; }

        /// <summary>Expected nodes that missed at least one probe, and nodes far slower than the rest.</summary>
        public PeerNetworkTestNode[] Outliers { get; set; }

        /// <summary>Every node: expected ones and any other that answered.</summary>
        public PeerNetworkTestNode[] Nodes { get; set; }
    }
}
