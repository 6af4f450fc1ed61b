namespace PSPeerChat
{
    /// <summary>
    /// One link of a network map (Get-PeerNetwork), between two nodes, reported by either end or both. A link is
    /// undirected on the map: <see cref="FromId"/> is the end that reported it (the smaller id when both did).
    /// </summary>
    public sealed class PeerNetworkLink
    {
        public string FromId { get; set; }

        public string FromName { get; set; }

        public string ToId { get; set; }

        public string ToName { get; set; }

        /// <summary>Round trip of the link's keepalive in milliseconds as its reporter measured it; null when not measured yet.</summary>
        public double? LatencyMs { get; set; }

        /// <summary>True when both ends reported the link; false when only one did (the other did not answer).</summary>
        public bool Confirmed { get; set; }

        /// <summary>The local node that made the map.</summary>
        public string Node { get; set; }

        public override string ToString() => FromName + " -- " + ToName + (LatencyMs.HasValue ? " (" + LatencyMs.Value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " ms)" : string.Empty);
    }
}
