using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Crawl
{
    /// <summary>
    /// Turns the reports of a Map probe into the nodes and links Get-PeerNetwork writes (protocol.md §11.4): the asker
    /// from its own link table, every node that answered with its links, the ends of those links that did not answer,
    /// and the directory's nodes that neither answered nor appear in a link (another part of a split network, or gone).
    /// A link reported by both ends is confirmed; its latency is the lower of the two measurements.
    /// </summary>
    internal static class CrawlMap
    {
        public static void Build(string nodeName, Id128 selfId, string selfName, IReadOnlyList<ReportedLink> ownLinks, IEnumerable<ProbeAnswer> answers,
            IEnumerable<KeyValuePair<Id128, string>> directory, out List<PeerNetworkNode> nodes, out List<PeerNetworkLink> links)
        {
            var names = new Dictionary<Id128, string>();
            foreach (KeyValuePair<Id128, string> d in directory) names[d.Key] = d.Value;
            var reports = new Dictionary<Id128, Report>();
            foreach (ProbeAnswer a in answers)
            {
                if (a.Report.ReporterId == selfId) continue;
                reports[a.Report.ReporterId] = a.Report;
                names[a.Report.ReporterId] = a.Report.Name; // its own word for its name wins
            }
            names[selfId] = selfName;

            nodes = new List<PeerNetworkNode>
            {
                new PeerNetworkNode { Id = selfId.ToString(), Name = selfName, IsAsker = true, Answered = true, LinkCount = ownLinks.Count, Node = nodeName },
            };
            foreach (Report r in reports.Values)
            {
                nodes.Add(new PeerNetworkNode { Id = r.ReporterId.ToString(), Name = r.Name, Answered = true, Declined = r.Declined, LinkCount = r.Links.Count, Node = nodeName });
            }
            var linkByPair = new Dictionary<(Id128, Id128), PeerNetworkLink>();
            AddLinks(nodeName, selfId, ownLinks, names, linkByPair);
            foreach (Report r in reports.Values) AddLinks(nodeName, r.ReporterId, r.Links, names, linkByPair);
            links = linkByPair.Values.ToList();

            var listed = new HashSet<Id128>(reports.Keys) { selfId };
            foreach (PeerNetworkLink l in links)
            {
                foreach (string end in new[] { l.FromId, l.ToId })
                {
                    Id128.TryParse(end, out Id128 id);
                    if (listed.Add(id)) nodes.Add(new PeerNetworkNode { Id = end, Name = NameOf(id, names), Answered = false, Node = nodeName });
                }
            }
            foreach (KeyValuePair<Id128, string> d in directory)
            {
                if (listed.Add(d.Key)) nodes.Add(new PeerNetworkNode { Id = d.Key.ToString(), Name = d.Value, Answered = false, Node = nodeName });
            }
        }

        private static void AddLinks(string nodeName, Id128 from, IReadOnlyList<ReportedLink> reported, Dictionary<Id128, string> names, Dictionary<(Id128, Id128), PeerNetworkLink> byPair)
        {
            foreach (ReportedLink r in reported)
            {
                if (r.PeerId == from || r.PeerId.IsEmpty) continue;
                double? latency = r.LatencyMs == ReportFrame.UnknownLatency ? (double?)null : r.LatencyMs;
                var key = Compare(from, r.PeerId) < 0 ? (from, r.PeerId) : (r.PeerId, from);
                if (byPair.TryGetValue(key, out PeerNetworkLink known))
                {
                    if (!string.Equals(known.FromId, from.ToString(), StringComparison.Ordinal)) known.Confirmed = true; // the other end said so too
                    if (latency.HasValue && (!known.LatencyMs.HasValue || latency < known.LatencyMs)) known.LatencyMs = latency;
                    continue;
                }
                byPair[key] = new PeerNetworkLink
                {
                    FromId = from.ToString(), FromName = NameOf(from, names), ToId = r.PeerId.ToString(), ToName = NameOf(r.PeerId, names),
                    LatencyMs = latency, Confirmed = false, Node = nodeName,
                };
            }
        }

        private static int Compare(Id128 a, Id128 b) => string.CompareOrdinal(a.ToString(), b.ToString());

        private static string NameOf(Id128 id, Dictionary<Id128, string> names) => names.TryGetValue(id, out string name) ? name : id.ToString().Substring(0, 8);
    }
}
