using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Crawl;
using PSPeerChat.Identity;
using PSPeerChat.Links;
using PSPeerChat.Protocol;

namespace PSPeerChat
{
    /// <summary>API verbs: seeing the network, the map and the reach test (protocol.md §11).</summary>
    public sealed partial class PeerNode
    {
        /// <summary>True when this node answers network maps without telling its links (Start-PeerNode -DeclineNetworkProbes).</summary>
        public bool DeclineNetworkProbes => Options.DeclineNetworkProbes;

        /// <summary>Probes of other nodes this node answered (with its links, a declining report, or a receipt).</summary>
        public long ProbesAnswered => Stats.ProbesAnswered;

        /// <summary>Probes dropped unanswered: too old, from a clock too far ahead, or over a link's or the node's probe budget.</summary>
        public long ProbesRefused => Stats.ProbesRefused;

        /// <summary>Reports of other nodes passed back towards the node that asked.</summary>
        public long ReportsForwarded => Stats.ReportsForwarded;

        /// <summary>Reports dropped: for a probe not (or no longer) known, a node's second report, past the bound, a full queue, or not verified.</summary>
        public long ReportsDropped => Stats.ReportsDropped;

        /// <summary>Sends a probe to the whole network; the reports arrive in the returned probe (dispose it when done).</summary>
        internal NetworkProbe AskNetwork(ProbeKind kind)
        {
            EnsureRunning();
            return _host.Probes.Ask(kind, Options.HopLimit);
        }

        /// <summary>The map as the reports of a Map probe draw it (see <see cref="CrawlMap"/>).</summary>
        internal void BuildMap(NetworkProbe probe, out List<PeerNetworkNode> nodes, out List<PeerNetworkLink> links)
        {
            List<ReportedLink> own = _links.Registered.Where(l => !l.IsText && !l.RemoteId.IsEmpty)
                .Select(l => new ReportedLink(l.RemoteId, ProbeRouter.Latency(l), l.Direction))
                .ToList();
            CrawlMap.Build(Name, Identity.NodeId, Name, own, probe.Answers, DirectoryIds(), out nodes, out links);
        }

        /// <summary>The nodes of the directory by id and name: who a reach test expects to answer.</summary>
        internal List<KeyValuePair<Id128, string>> DirectoryIds()
        {
            var directory = new List<KeyValuePair<Id128, string>>();
            foreach (PeerDirectoryEntry e in _directory.Snapshot(Name))
            {
                if (Id128.TryParse(e.Id, out Id128 id)) directory.Add(new KeyValuePair<Id128, string>(id, e.Name));
            }
            return directory;
        }
    }
}
