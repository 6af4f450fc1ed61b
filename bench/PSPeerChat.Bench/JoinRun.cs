using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// The --join scenario (issue #15): N nodes (default 60) started at once through one entry node, automatic joining on
    /// (TargetPeers and MaxPeers as shipped). Degrees are sampled every second for the observation time; reported: the
    /// time until every node holds a link, the time until every degree lies within [TargetPeers, 2 × TargetPeers] (first,
    /// and for good: inBoundsS; with the one-second samples outside the bounds after the first), the
    /// degrees (min, mean, max) and the entry's at the end, links shed, then copies per message of a short flood on the
    /// resulting graph: every copy received (delivered + dropped as seen) per broadcast, beside what the degrees imply
    /// (2E − (N − 1): each node sends every message once over each link except the one it came on).
    /// </summary>
    internal static class JoinRun
    {
        public static void Execute(int n, int seconds, int run)
        {
            var entry = PeerNode.Start(Options("join00", null));
            string entryAddress = "127.0.0.1:" + entry.Port.ToString(CultureInfo.InvariantCulture);
            var nodes = new List<PeerNode> { entry };
            var clock = Stopwatch.StartNew();
            for (int i = 1; i < n; i++) nodes.Add(PeerNode.Start(Options("join" + i.ToString("D2", CultureInfo.InvariantCulture), entryAddress)));
            int target = entry.TargetPeers, bound = 2 * target;
            double allLinkedS = -1, inBoundsS = -1, firstInBoundsS = -1;
            int samplesOutside = 0;
            var timeline = new List<string>();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                Thread.Sleep(1000);
                int[] d = nodes.Select(x => x.PeerCount).ToArray();
                double t = Math.Round(clock.Elapsed.TotalSeconds, 1);
                if (allLinkedS < 0 && d.All(x => x >= 1)) allLinkedS = t;
                bool inBounds = d.All(x => x >= target && x <= bound);
                if (inBoundsS < 0 && inBounds) inBoundsS = t;
                if (firstInBoundsS < 0 && inBounds) firstInBoundsS = t;
                if (firstInBoundsS >= 0 && !inBounds) samplesOutside++;
                if (!inBounds) inBoundsS = -1; // the last time it entered the bounds and stayed
                timeline.Add(string.Format(CultureInfo.InvariantCulture, "{0}s unlinked={1} min={2} mean={3:F1} max={4} entry={5} outside=[{6}]", t, d.Count(x => x == 0), d.Min(), d.Average(), d.Max(), d[0],
                    string.Join(",", d.Select((x, i) => (x, i)).Where(p => p.x < target || p.x > bound).Select(p => p.i + ":" + p.x))));
            }
            if (run == 1) foreach (string line in timeline) Console.Error.WriteLine(line);
            int[] deg = nodes.Select(x => x.PeerCount).ToArray();
            long edgesTwice = deg.Sum();

            // Copies per message on the graph as it stands: 50 broadcasts from nodes in turn, counted once every node has them.
            const int messages = 50;
            long copies0 = nodes.Sum(x => x.MessagesDelivered + x.DuplicatesDropped);
            long delivered0 = nodes.Sum(x => x.MessagesDelivered);
            for (int k = 0; k < messages; k++) nodes[k % n].Broadcast("m" + k.ToString(CultureInfo.InvariantCulture));
            var wait = Stopwatch.StartNew();
            while (nodes.Sum(x => x.MessagesDelivered) - delivered0 < (long)messages * (n - 1) && wait.Elapsed.TotalSeconds < 20) Thread.Sleep(50);
            Thread.Sleep(500); // late duplicates
            long copies = nodes.Sum(x => x.MessagesDelivered + x.DuplicatesDropped) - copies0;
            long delivered = nodes.Sum(x => x.MessagesDelivered) - delivered0;
            long shed = nodes.Sum(x => x.LinksShed);

            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Format(inv,
                "{{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":{0},\"figure\":\"join\",\"nodes\":{1},\"targetPeers\":{2},\"allLinkedS\":{3},\"firstInBoundsS\":{14},\"samplesOutsideAfter\":{15},\"inBoundsS\":{4},\"degreeMin\":{5},\"degreeMean\":{6:F2},\"degreeMax\":{7},\"entryDegree\":{8},\"linksShed\":{9},\"deliveryRatio\":{10:F4},\"copiesPerMessage\":{11:F1},\"copiesImplied\":{12},\"copiesPerDelivery\":{13:F2}}}",
                run, n, target, allLinkedS, inBoundsS, deg.Min(), deg.Average(), deg.Max(), deg[0], shed, (double)delivered / ((long)messages * (n - 1)),
                (double)copies / messages, edgesTwice - (n - 1), (double)copies / Math.Max(1, delivered), firstInBoundsS, samplesOutside));
            foreach (PeerNode x in nodes) x.Abort();
        }

        private static PeerNodeOptions Options(string name, string bootstrap) => new PeerNodeOptions
        {
            Name = name,
            Port = 0,
            FallForward = false,
            ListenAddress = "127.0.0.1",
            Bootstrap = bootstrap == null ? null : new[] { bootstrap },
            InboxCapacity = 1000,
        };
    }
}
