using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>One link as a REPORT tells it (protocol.md §11.2): the neighbour's id, its keepalive round trip, who dialled.</summary>
    internal readonly struct ReportedLink
    {
        public ReportedLink(Id128 peerId, ushort latencyMs, PeerDirection direction)
        {
            PeerId = peerId;
            LatencyMs = latencyMs;
            Direction = direction;
        }

        public Id128 PeerId { get; }

        /// <summary>Milliseconds, or <see cref="ReportFrame.UnknownLatency"/> when not measured yet.</summary>
        public ushort LatencyMs { get; }

        public PeerDirection Direction { get; }
    }
}
