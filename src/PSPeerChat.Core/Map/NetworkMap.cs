using System;
using System.Collections.Generic;
using System.Linq;

namespace PSPeerChat.Map
{
    /// <summary>
    /// A network map as drawn (Show-PeerNetwork): nodes and links from a crawl, merged (one node per id, one link per
    /// pair of ends), every node's distance from the asking node computed on the map itself (shortest path, -1 when the
    /// map does not connect them), and a layout in rings by that distance. Pure: no network, no clock.
    /// </summary>
    internal sealed class NetworkMap
    {
        /// <summary>Distance between rings, and the least room a node gets on its ring, in SVG units.</summary>
        public const double RingStep = 150, NodeSpacing = 90, Margin = 110;

        private NetworkMap(List<PeerNetworkNode> nodes, List<PeerNetworkLink> links)
        {
            Nodes = nodes;
            Links = links;
        }

        /// <summary>Nodes, the asker first, then by distance and name.</summary>
        public IReadOnlyList<PeerNetworkNode> Nodes { get; }

        public IReadOnlyList<PeerNetworkLink> Links { get; }

        public PeerNetworkNode Asker => Nodes.FirstOrDefault(n => n.IsAsker);

        /// <summary>The largest distance on the map (0 for a map of one node).</summary>
        public int MaxHops => Nodes.Count == 0 ? 0 : Math.Max(0, Nodes.Max(n => n.Hops));

        public int Unreached => Nodes.Count(n => n.Hops < 0);

        /// <summary>
        /// Merges what a crawl gave: a node listed twice is kept once (answered wins), a link's end that no node entry
        /// names becomes a node that did not answer, a link reported by both ends is one confirmed link. The objects
        /// given are not changed; the map holds copies.
        /// </summary>
        public static NetworkMap Build(IEnumerable<PeerNetworkNode> nodes, IEnumerable<PeerNetworkLink> links)
        {
            var byId = new Dictionary<string, PeerNetworkNode>(StringComparer.OrdinalIgnoreCase);
            foreach (PeerNetworkNode n in nodes ?? Enumerable.Empty<PeerNetworkNode>())
            {
                if (string.IsNullOrEmpty(n?.Id)) continue;
                if (byId.TryGetValue(n.Id, out PeerNetworkNode known) && (known.Answered || !n.Answered)) continue;
                byId[n.Id] = Copy(n);
            }
            var pairs = new Dictionary<string, PeerNetworkLink>(StringComparer.OrdinalIgnoreCase);
            foreach (PeerNetworkLink l in links ?? Enumerable.Empty<PeerNetworkLink>())
            {
                if (string.IsNullOrEmpty(l?.FromId) || string.IsNullOrEmpty(l.ToId) || string.Equals(l.FromId, l.ToId, StringComparison.OrdinalIgnoreCase)) continue;
                AddEnd(byId, l.FromId, l.FromName, l.Node);
                AddEnd(byId, l.ToId, l.ToName, l.Node);
                string a = l.FromId.ToLowerInvariant(), b = l.ToId.ToLowerInvariant();
                string key = string.CompareOrdinal(a, b) < 0 ? a + "|" + b : b + "|" + a;
                if (pairs.TryGetValue(key, out PeerNetworkLink seen))
                {
                    seen.Confirmed = seen.Confirmed || !string.Equals(seen.FromId, l.FromId, StringComparison.OrdinalIgnoreCase) || l.Confirmed;
                    if (!seen.LatencyMs.HasValue || (l.LatencyMs.HasValue && l.LatencyMs < seen.LatencyMs)) seen.LatencyMs = l.LatencyMs;
                    continue;
                }
                pairs[key] = new PeerNetworkLink { FromId = l.FromId, FromName = l.FromName, ToId = l.ToId, ToName = l.ToName, LatencyMs = l.LatencyMs, Confirmed = l.Confirmed, Node = l.Node };
            }
            List<PeerNetworkLink> linkList = pairs.Values.ToList();
            Measure(byId, linkList);
            List<PeerNetworkNode> ordered = byId.Values
                .OrderByDescending(n => n.IsAsker).ThenBy(n => n.Hops < 0 ? int.MaxValue : n.Hops).ThenBy(n => n.Name, StringComparer.OrdinalIgnoreCase).ThenBy(n => n.Id, StringComparer.Ordinal)
                .ToList();
            return new NetworkMap(ordered, linkList);
        }

        /// <summary>
        /// Positions in rings: the asker in the middle, each distance on its own ring, nodes the map does not connect on
        /// an outer ring. A node sits near the angle of the node that reached it, so links cross less; a crowded ring grows
        /// until its nodes have <see cref="NodeSpacing"/> each.
        /// </summary>
        public Dictionary<string, (double X, double Y)> Layout(out double size, out double[] ringRadii)
        {
            var rings = Nodes.GroupBy(n => n.Hops < 0 ? MaxHops + 1 : n.Hops).OrderBy(g => g.Key).ToList();
            int ringCount = rings.Count == 0 ? 0 : rings[rings.Count - 1].Key;
            ringRadii = new double[ringCount + 1];
            for (int r = 1; r <= ringCount; r++)
            {
                int count = rings.FirstOrDefault(g => g.Key == r)?.Count() ?? 0;
                ringRadii[r] = Math.Max(ringRadii[r - 1] + RingStep, count * NodeSpacing / (2 * Math.PI));
            }
            size = 2 * (ringRadii[ringCount] + Margin);
            double centre = size / 2;
            var angle = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            var place = new Dictionary<string, (double X, double Y)>(StringComparer.OrdinalIgnoreCase);
            var neighbours = Neighbours(Links);
            foreach (var ring in rings)
            {
                // Order by the angle of an already placed neighbour (the one that reached it), then by name.
                List<PeerNetworkNode> members = ring
                    .Select(n => (node: n, at: ParentAngle(n, neighbours, angle)))
                    .OrderBy(p => p.at).ThenBy(p => p.node.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.node.Id, StringComparer.Ordinal)
                    .Select(p => p.node).ToList();
                double radius = ringRadii[ring.Key];
                for (int i = 0; i < members.Count; i++)
                {
                    double a = members.Count == 1 && ring.Key == 0 ? 0 : -Math.PI / 2 + 2 * Math.PI * i / members.Count;
                    angle[members[i].Id] = a;
                    place[members[i].Id] = (Math.Round(centre + radius * Math.Cos(a), 1), Math.Round(centre + radius * Math.Sin(a), 1));
                }
            }
            return place;
        }

        private static double ParentAngle(PeerNetworkNode node, Dictionary<string, List<string>> neighbours, Dictionary<string, double> placed)
        {
            if (!neighbours.TryGetValue(node.Id, out List<string> ends)) return double.MaxValue;
            foreach (string end in ends)
            {
                if (placed.TryGetValue(end, out double a)) return a;
            }
            return double.MaxValue;
        }

        private static void AddEnd(Dictionary<string, PeerNetworkNode> byId, string id, string name, string node)
        {
            if (!byId.ContainsKey(id)) byId[id] = new PeerNetworkNode { Id = id, Name = name ?? string.Empty, Answered = false, Node = node };
        }

        private static PeerNetworkNode Copy(PeerNetworkNode n) => new PeerNetworkNode { Id = n.Id, Name = n.Name ?? string.Empty, Hops = n.Hops, Answered = n.Answered, IsAsker = n.IsAsker, Declined = n.Declined, LinkCount = n.LinkCount, Node = n.Node };

        private static Dictionary<string, List<string>> Neighbours(IEnumerable<PeerNetworkLink> links)
        {
            var map = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (PeerNetworkLink l in links)
            {
                if (!map.TryGetValue(l.FromId, out List<string> a)) map[l.FromId] = a = new List<string>();
                if (!map.TryGetValue(l.ToId, out List<string> b)) map[l.ToId] = b = new List<string>();
                a.Add(l.ToId);
                b.Add(l.FromId);
            }
            return map;
        }

        /// <summary>Distances from the asker (breadth first) and link counts, on the merged map.</summary>
        private static void Measure(Dictionary<string, PeerNetworkNode> byId, List<PeerNetworkLink> links)
        {
            Dictionary<string, List<string>> neighbours = Neighbours(links);
            foreach (PeerNetworkNode n in byId.Values)
            {
                n.Hops = -1;
                if (!n.Answered || n.LinkCount == 0) n.LinkCount = neighbours.TryGetValue(n.Id, out List<string> ends) ? ends.Count : 0;
            }
            PeerNetworkNode asker = byId.Values.FirstOrDefault(n => n.IsAsker);
            if (asker == null) return;
            asker.Hops = 0;
            var queue = new Queue<string>();
            queue.Enqueue(asker.Id);
            while (queue.Count > 0)
            {
                string id = queue.Dequeue();
                int next = byId[id].Hops + 1;
                if (!neighbours.TryGetValue(id, out List<string> ends)) continue;
                foreach (string end in ends)
                {
                    PeerNetworkNode n = byId[end];
                    if (n.Hops >= 0) continue;
                    n.Hops = next;
                    queue.Enqueue(end);
                }
            }
        }
    }
}
