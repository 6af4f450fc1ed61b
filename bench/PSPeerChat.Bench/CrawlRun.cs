using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using PSPeerChat.Crawl;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// The --crawl scenario (issue #17): N nodes (default 50) over loopback TCP in a fixed random topology (a random tree
    /// plus edges up to a mean degree of 6, seeded per run, TargetPeers 0), then one map crawl from node 0, as
    /// Get-PeerNetwork runs it, and 5 reach probes, as Test-PeerNetwork does. Reported: the time until every node
    /// answered, what the crawl cost each node in frames (the probe copies it received and sent, its report, the reports
    /// it passed back), and the reach test's reach and latencies.
    /// </summary>
    internal static class CrawlRun
    {
        public static void Execute(int n, int run)
        {
            var random = new Random(1000 + run);
            var nodes = Enumerable.Range(0, n).Select(i => PeerNode.Start(Options("crawl" + i.ToString("D2", CultureInfo.InvariantCulture)))).ToList();
            var edges = new HashSet<(int, int)>();
            for (int i = 1; i < n; i++) edges.Add((random.Next(i), i));
            while (edges.Count < 3 * n)
            {
                int a = random.Next(n), b = random.Next(n);
                if (a != b) edges.Add((Math.Min(a, b), Math.Max(a, b)));
            }
            foreach ((int a, int b) in edges) nodes[a].ConnectAsync("127.0.0.1:" + nodes[b].Port.ToString(CultureInfo.InvariantCulture), PeerProtocol.PeerChat, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
            int[] degree = new int[n];
            foreach ((int a, int b) in edges) { degree[a]++; degree[b]++; }
            Until(() => nodes.Select((x, i) => x.PeerCount == degree[i]).All(ok => ok), 30, "every link up");
            foreach (PeerNode x in nodes) x.Announce();
            Until(() => nodes[0].GetDirectory().Length == n - 1, 30, "node 0 heard of every node");

            long[] forwarded0 = nodes.Select(x => x.ReportsForwarded).ToArray();
            var clock = Stopwatch.StartNew();
            double crawlS;
            int answered;
            using (NetworkProbe probe = nodes[0].AskNetwork(ProbeKind.Map))
            {
                Until(() => probe.Count == n - 1, 30, "every node answered the map probe");
                crawlS = clock.Elapsed.TotalSeconds;
                answered = probe.Count;
                nodes[0].BuildMap(probe, out _, out List<PeerNetworkLink> links);
                if (links.Count != edges.Count) Console.Error.WriteLine("map has " + links.Count + " links, the network " + edges.Count);
            }
            Thread.Sleep(300); // late copies of the probe
            long[] forwarded = nodes.Select((x, i) => x.ReportsForwarded - forwarded0[i]).ToArray();
            // Per node: the probe once per link in (deg), out on every other link (deg - 1; the asker: deg), one report, the reports passed back.
            int[] frames = nodes.Select((x, i) => degree[i] + (i == 0 ? degree[i] : degree[i] - 1) + (i == 0 ? 0 : 1) + (int)forwarded[i]).ToArray();

            var expected = nodes.Skip(1).Select(x => { Id128.TryParse(x.Id, out Id128 id); return new KeyValuePair<Id128, string>(id, x.Name); }).ToList();
            var probes = new List<NetworkProbe>();
            for (int k = 0; k < 5; k++)
            {
                if (k > 0) Thread.Sleep(250);
                probes.Add(nodes[0].AskNetwork(ProbeKind.Reach));
            }
            Until(() => probes.All(p => p.Count == n - 1), 30, "every node answered 5 reach probes");
            PeerNetworkTest reach = ReachSummary.Build(nodes[0].Name, probes, expected);
            probes.ForEach(p => p.Dispose());

            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":{0},\"figure\":\"crawl\",\"nodes\":{1},\"links\":{2},\"degreeMax\":{3},\"crawlS\":{4:F3},\"answered\":{5},\"framesPerNodeMean\":{6:F1},\"framesPerNodeMax\":{7},\"reportsPassedBackMax\":{8},\"reach\":{9},\"maxHops\":{10},\"latencyP50Ms\":{11},\"latencyP99Ms\":{12},\"roundTripP50Ms\":{13},\"roundTripP99Ms\":{14}}}",
                run, n, edges.Count, degree.Max(), crawlS, answered, frames.Average(), frames.Max(), forwarded.Max(), reach.Reach, reach.MaxHops, reach.LatencyP50Ms, reach.LatencyP99Ms, reach.RoundTripP50Ms, reach.RoundTripP99Ms));
            foreach (PeerNode x in nodes) x.Abort();
        }

        private static void Until(Func<bool> condition, int seconds, string what)
        {
            var wait = Stopwatch.StartNew();
            while (!condition())
            {
                if (wait.Elapsed.TotalSeconds > seconds) throw new TimeoutException("not within " + seconds + " s: " + what);
                Thread.Sleep(20);
            }
        }

        private static PeerNodeOptions Options(string name) => new PeerNodeOptions
        {
            Name = name,
            Port = 0,
            FallForward = false,
            ListenAddress = "127.0.0.1",
            TargetPeers = 0,
            MaxPeers = 64,
            InboxCapacity = 1000,
            AnnounceInterval = TimeSpan.FromMinutes(30),
        };
    }
}
