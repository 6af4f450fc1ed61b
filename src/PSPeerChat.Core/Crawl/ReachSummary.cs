using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Identity;

namespace PSPeerChat.Crawl
{
    /// <summary>
    /// Sums up the receipts of Reach probes (Test-PeerNetwork, protocol.md §11): reach against the expected nodes, hop
    /// counts, latencies and the nodes that stand out. Pure: the probes hold everything it needs.
    /// </summary>
    internal static class ReachSummary
    {
        /// <summary>A node is slow when its median latency is above both this many times the network's median and the median plus <see cref="SlowMarginMs"/>.</summary>
        private const double SlowFactor = 3, SlowMarginMs = 20;

        public static PeerNetworkTest Build(string nodeName, IReadOnlyList<NetworkProbe> probes, IEnumerable<KeyValuePair<Id128, string>> expected)
        {
            var names = new Dictionary<Id128, string>();
            var expectedIds = new HashSet<Id128>();
            foreach (KeyValuePair<Id128, string> e in expected)
            {
                expectedIds.Add(e.Key);
                names[e.Key] = e.Value;
            }
            var latencies = new Dictionary<Id128, List<double>>();
            var rounds = new Dictionary<Id128, List<double>>();
            var hops = new Dictionary<Id128, int>();
            var hopCounts = new SortedDictionary<int, int>();
            var all = new List<double>();
            var allRounds = new List<double>();
            int expectedReceipts = 0;
            foreach (NetworkProbe probe in probes)
            {
                foreach (ProbeAnswer a in probe.Answers)
                {
                    Id128 id = a.Report.ReporterId;
                    names[id] = a.Report.Name;
                    if (expectedIds.Contains(id)) expectedReceipts++;
                    double latency = Math.Max(0, a.Report.ReceivedAtMs - probe.SentAtMs), round = Math.Max(0, a.ArrivedAtMs - probe.SentAtMs);
                    Add(latencies, id, latency);
                    Add(rounds, id, round);
                    all.Add(latency);
                    allRounds.Add(round);
                    hops[id] = hops.TryGetValue(id, out int h) ? Math.Min(h, a.Report.Hops) : a.Report.Hops;
                    hopCounts[a.Report.Hops] = hopCounts.TryGetValue(a.Report.Hops, out int c) ? c + 1 : 1;
                }
            }
            double median = Percentile(all, 50);
            var nodes = new List<PeerNetworkTestNode>();
            foreach (Id128 id in expectedIds.Union(latencies.Keys))
            {
                var n = new PeerNetworkTestNode { Id = id.ToString(), Name = names[id], Probes = probes.Count };
                if (latencies.TryGetValue(id, out List<double> l))
                {
                    n.Received = l.Count;
                    n.Hops = hops[id];
                    n.LatencyMs = Percentile(l, 50);
                    n.RoundTripMs = Percentile(rounds[id], 50);
                }
                if (n.Received < probes.Count) n.Outlier = n.Received == 0 ? "never answered" : "missed " + (probes.Count - n.Received) + " of " + probes.Count;
                else if (n.LatencyMs > SlowFactor * median && n.LatencyMs > median + SlowMarginMs) n.Outlier = "slow: " + n.LatencyMs.ToString("0.#") + " ms against a median of " + median.ToString("0.#") + " ms";
                nodes.Add(n);
            }
            nodes = nodes.OrderBy(n => n.Outlier.Length == 0).ThenBy(n => n.Hops).ThenBy(n => n.Name, StringComparer.OrdinalIgnoreCase).ToList();
            return new PeerNetworkTest
            {
                Node = nodeName,
                Probes = probes.Count,
                Expected = expectedIds.Count,
                Answered = latencies.Count,
                Reach = expectedIds.Count == 0 || probes.Count == 0 ? 100 : Math.Round(100.0 * expectedReceipts / (expectedIds.Count * (double)probes.Count), 1),
                HopCounts = hopCounts,
                MaxHops = hopCounts.Count == 0 ? 0 : hopCounts.Keys.Max(),
                LatencyP50Ms = median,
                LatencyP99Ms = Percentile(all, 99),
                RoundTripP50Ms = Percentile(allRounds, 50),
                RoundTripP99Ms = Percentile(allRounds, 99),
                Outliers = nodes.Where(n => n.Outlier.Length > 0).ToArray(),
                Nodes = nodes.ToArray(),
            };
        }

        private static void Add(Dictionary<Id128, List<double>> map, Id128 id, double value)
        {
            if (!map.TryGetValue(id, out List<double> list)) map[id] = list = new List<double>();
            list.Add(value);
        }

        /// <summary>Nearest-rank percentile; 0 for no samples.</summary>
        private static double Percentile(List<double> values, double p)
        {
            if (values.Count == 0) return 0;
            double[] sorted = values.OrderBy(v => v).ToArray();
            int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
            return sorted[Math.Max(0, Math.Min(sorted.Length - 1, rank - 1))];
        }
    }
}
