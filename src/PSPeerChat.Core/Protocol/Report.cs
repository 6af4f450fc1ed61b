using System.Collections.Generic;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>A REPORT its asker opened and verified (protocol.md §11.2).</summary>
    internal sealed class Report
    {
        public Report(ProbeKind kind, Id128 probeId, Id128 reporterId, string name, byte hops, long receivedAtMs, bool declined, IReadOnlyList<ReportedLink> links)
        {
            Kind = kind;
            ProbeId = probeId;
            ReporterId = reporterId;
            Name = name;
            Hops = hops;
            ReceivedAtMs = receivedAtMs;
            Declined = declined;
            Links = links;
        }

        public ProbeKind Kind { get; }

        public Id128 ProbeId { get; }

        public Id128 ReporterId { get; }

        public string Name { get; }

        /// <summary>The hop count of the probe's first copy at the reporter.</summary>
        public byte Hops { get; }

        /// <summary>When the reporter got the probe, by its clock (ms since 1970 UTC).</summary>
        public long ReceivedAtMs { get; }

        public bool Declined { get; }

        public IReadOnlyList<ReportedLink> Links { get; }
    }
}
