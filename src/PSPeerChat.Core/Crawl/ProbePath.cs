using System.Collections.Generic;
using PSPeerChat.Identity;
using PSPeerChat.Links;

namespace PSPeerChat.Crawl
{
    /// <summary>
    /// What a node remembers of one PROBE (protocol.md §11.3): the link its first copy came on, where the reports go
    /// back (null on the asking node), and what it passed back already, so one probe's reports stay bounded.
    /// </summary>
    internal sealed class ProbePath
    {
        public ProbePath(Link upstream, long createdMs, NetworkProbe asked)
        {
            Upstream = upstream;
            CreatedMs = createdMs;
            Asked = asked;
        }

        /// <summary>The link to send reports back on; null when this node asked.</summary>
        public Link Upstream { get; }

        public long CreatedMs { get; }

        /// <summary>On the asking node: the probe collecting the reports.</summary>
        public NetworkProbe Asked { get; }

        /// <summary>Reporters whose report was passed back (one each), bounded by <see cref="ProbeRouter.MaxReportsPerProbe"/>.</summary>
        public HashSet<Id128> Reporters { get; } = new HashSet<Id128>();

        /// <summary>Reports taken from each link, bounded by <see cref="ProbeRouter.MaxReportsPerLink"/>: one link cannot fill the probe's share.</summary>
        public Dictionary<Link, int> PerLink { get; } = new Dictionary<Link, int>();
    }
}
