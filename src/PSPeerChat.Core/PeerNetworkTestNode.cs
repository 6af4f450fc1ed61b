namespace PSPeerChat
{
    /// <summary>One node's part in a Test-PeerNetwork run.</summary>
    public sealed class PeerNetworkTestNode
    {
        public string Id { get; set; }

        public string ShortId => Id == null ? string.Empty : Id.Substring(0, System.Math.Min(8, Id.Length));

        public string Name { get; set; }

        /// <summary>Probes this node sent a receipt for, of <see cref="Probes"/>.</summary>
        public int Received { get; set; }

        public int Probes { get; set; }

        /// <summary>The smallest hop count at which a probe reached it.</summary>
        public int Hops { get; set; }

        /// <summary>Median latency (probe sent to received, two clocks) and round trip (to receipt back), ms; -1 when it never answered.</summary>
        public double LatencyMs { get; set; } = -1;

        public double RoundTripMs { get; set; } = -1;

        /// <summary>Why it stands out ("missed 2 of 5", "slow: 340 ms against a median of 3 ms"), empty when it does not.</summary>
        public string Outlier { get; set; } = string.Empty;

        public override string ToString() => Name + " (" + ShortId + ")";
    }
}
