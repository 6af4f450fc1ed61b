using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// The --pow scenario (protocol.md §3.10): what the proof of work costs an honest sender per message on this machine.
    /// First the hash rate of the search (one thread, nonces tried per second); then, for a few settings and text
    /// lengths, Broadcast on a node with that setting (signing and the search, no links), timed message by message. The
    /// number of nonces a message needs is geometric, so a few messages say little: the expected time, the average
    /// number of hashes D × (L + 1000) over the measured rate, is the figure; the measured mean checks it.
    /// </summary>
    internal static class ProofOfWorkRun
    {
        private static readonly int[] Difficulties = { 100, 1000, 10000 };
        // A chat line, the shared workload's 100-byte payload, a paragraph, a page, the largest message.
        private static readonly int[] TextLengths = { 20, 100, 1000, 10000, ProtocolLimits.MaxTextBytes };
        private const string NodeName = "pow-bench";
        private const double MeasureAtMostSeconds = 2.5; // a case whose expected time is longer is only computed
        private const double SecondsPerCase = 5;

        public static void Execute()
        {
            double rate = MeasureHashRate();
            var cases = new List<string>();
            var readable = new StringBuilder();
            readable.AppendLine(string.Format(CultureInfo.InvariantCulture, "proof of work: {0:N2} million SHA-256 trials a second on one thread; name {1} ({2} bytes)", rate / 1e6, NodeName, NodeName.Length));
            readable.AppendLine("  hashes/byte  text bytes  body bytes  expected hashes  expected ms  messages  mean ms  median ms  max ms");
            foreach (int difficulty in Difficulties)
            {
                PeerNode node = PeerNode.Start(new PeerNodeOptions { Name = NodeName, Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0, ProofOfWork = difficulty });
                try
                {
                    foreach (int textLength in TextLengths)
                    {
                        string text = new string('x', textLength);
                        int body = BodyBytes(text);
                        double hashes = ProofOfWork.ExpectedHashes(difficulty, body);
                        double expectedMs = hashes / rate * 1000;
                        double[] times = expectedMs / 1000 <= MeasureAtMostSeconds ? TimeBroadcasts(node, text, Math.Max(3, Math.Min(100, (int)(SecondsPerCase * 1000 / Math.Max(expectedMs, 1))))) : new double[0];
                        cases.Add(Json(difficulty, textLength, body, hashes, expectedMs, times));
                        readable.AppendLine(string.Format(CultureInfo.InvariantCulture, "  {0,11:N0}  {1,10:N0}  {2,10:N0}  {3,15:N0}  {4,11:N1}  {5,8}  {6,7}  {7,9}  {8,6}",
                            difficulty, textLength, body, hashes, expectedMs, times.Length, Ms(times, t => t.Average()), Ms(times, Median), Ms(times, t => t.Max())));
                    }
                }
                finally
                {
                    node.Stop();
                }
            }
            Console.WriteLine("{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":\"pow\",\"figure\":\"proofOfWork\",\"hashesPerSec\":" + Math.Round(rate)
                + ",\"nameBytes\":" + NodeName.Length + ",\"cases\":[" + string.Join(",", cases) + "]}");
            Console.Write(readable.ToString());
        }

        /// <summary>Nonces tried a second by the search, one thread: half a second of warm-up, then the best of three one-second passes.</summary>
        private static double MeasureHashRate()
        {
            NodeIdentity signer = NodeIdentity.Create();
            double best = 0;
            for (int pass = 0; pass < 4; pass++)
            {
                long trials = 0;
                var clock = Stopwatch.StartNew();
                double seconds = pass == 0 ? 0.5 : 1;
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    FloodMessage m = MessageFrame.CreateMessage(signer, Id128.NewRandom(), NodeName, 0, 32, MessageFlags.ProofOfWork, "rate");
                    ProofOfWork.TrySolve(m.Frame, 100, TimeSpan.FromMinutes(1), out long tried);
                    trials += tried;
                }
                if (pass > 0) best = Math.Max(best, trials / clock.Elapsed.TotalSeconds); // noise on a shared machine only slows a pass
            }
            return best;
        }

        private static int BodyBytes(string text) => MessageFrame.CreateMessage(NodeIdentity.Create(), Id128.NewRandom(), NodeName, 0, 32, MessageFlags.ProofOfWork, text).Frame.Length - ProtocolLimits.LengthPrefix;

        /// <summary>Milliseconds each of <paramref name="count"/> broadcasts took (signing and the search; the node has no links).</summary>
        private static double[] TimeBroadcasts(PeerNode node, string text, int count)
        {
            var times = new double[count];
            var clock = new Stopwatch();
            for (int i = 0; i < count; i++)
            {
                clock.Restart();
                node.Broadcast(text);
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            return times;
        }

        private static double Median(double[] values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        private static string Ms(double[] times, Func<double[], double> of) => times.Length == 0 ? "-" : of(times).ToString("N1", CultureInfo.InvariantCulture);

        private static string Json(int difficulty, int textBytes, int bodyBytes, double hashes, double expectedMs, double[] times)
        {
            string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
            string measured = times.Length == 0 ? "null" : F(times.Average());
            string median = times.Length == 0 ? "null" : F(Median(times));
            string max = times.Length == 0 ? "null" : F(times.Max());
            return "{\"difficulty\":" + difficulty + ",\"textBytes\":" + textBytes + ",\"bodyBytes\":" + bodyBytes + ",\"expectedHashes\":" + F(hashes)
                + ",\"expectedMs\":" + F(expectedMs) + ",\"messages\":" + times.Length + ",\"meanMs\":" + measured + ",\"medianMs\":" + median + ",\"maxMs\":" + max + "}";
        }
    }
}
