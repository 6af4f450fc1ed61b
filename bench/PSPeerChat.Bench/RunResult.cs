using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace PSPeerChat.Bench
{
    /// <summary>One run's figures, in the order they are printed; "a.b" keys become nested objects in JSON.</summary>
    internal sealed class RunResult
    {
        private readonly List<KeyValuePair<string, double>> _figures = new List<KeyValuePair<string, double>>();

        public RunResult(BenchOptions o, int run)
        {
            Options = o;
            Run = run.ToString(CultureInfo.InvariantCulture);
        }

        public BenchOptions Options { get; }
        public string Run { get; private set; }
        public int Runs { get; private set; } = 1;
        public bool Complete { get; set; }
        public string Error { get; set; }
        public bool Passed => Complete && Get("deliveryRatio") == 1 && Get("appDuplicates") == 0 && Get("selfEchoes") == 0;

        public static RunResult Failed(BenchOptions o, int run, string error) => new RunResult(o, run) { Complete = false, Error = error };

        public void Set(string key, double value)
        {
            int i = _figures.FindIndex(f => f.Key == key);
            if (i >= 0) _figures[i] = new KeyValuePair<string, double>(key, value);
            else _figures.Add(new KeyValuePair<string, double>(key, value));
        }

        public double Get(string key)
        {
            int i = _figures.FindIndex(f => f.Key == key);
            return i >= 0 ? _figures[i].Value : double.NaN;
        }

        public static RunResult Median(List<RunResult> runs)
        {
            var m = new RunResult(runs[0].Options, 0) { Run = "median", Runs = runs.Count };
            m.Complete = runs.All(r => r.Complete);
            m.Error = string.Join("; ", runs.Where(r => r.Error != null).Select(r => "run " + r.Run + ": " + r.Error));
            if (m.Error.Length == 0) m.Error = null;
            RunResult template = runs.FirstOrDefault(r => r._figures.Count > 0);
            if (template == null) return m;
            foreach (KeyValuePair<string, double> f in template._figures)
            {
                double[] values = runs.Select(r => r.Get(f.Key)).Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
                if (values.Length == 0) continue;
                double median = values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
                m.Set(f.Key, Math.Round(median, 6));
            }
            return m;
        }

        /// <summary>The nearest-rank percentile q (0..1) of sorted values; 0 when there are none.</summary>
        public static double Percentile(long[] sorted, double q)
        {
            if (sorted.Length == 0) return 0;
            int rank = (int)Math.Ceiling(q * sorted.Length) - 1;
            return sorted[Math.Min(sorted.Length - 1, Math.Max(0, rank))];
        }

        public string ToJson()
        {
            var o = new JsonObject
            {
                ["system"] = "PSPeerChat",
                ["level"] = "engine",
                ["nodes"] = Options.Nodes,
                ["messages"] = Options.Messages,
                ["rate"] = Options.Rate,
                ["signed"] = Options.Signed,
                ["consumer"] = Options.Consumer,
                ["crypto"] = PSPeerChat.Crypto.CryptoBackends.Current.Name, // the backend every node of this process verifies with
                ["run"] = Run,
            };
            if (Run == "median") o["runs"] = Runs;
            o["complete"] = Complete;
            foreach (KeyValuePair<string, double> f in _figures)
            {
                JsonObject target = o;
                string[] parts = f.Key.Split('.');
                for (int i = 0; i < parts.Length - 1; i++)
                {
                    if (!(target[parts[i]] is JsonObject child))
                    {
                        child = new JsonObject();
                        target[parts[i]] = child;
                    }
                    target = child;
                }
                double v = f.Value;
                target[parts[parts.Length - 1]] = v == Math.Floor(v) && Math.Abs(v) < 1e15 ? JsonValue.Create((long)v) : JsonValue.Create(v);
            }
            if (Error != null) o["error"] = Error;
            return o.ToJsonString();
        }

        public string ToReadable()
        {
            var c = CultureInfo.InvariantCulture;
            string head = string.Format(c, "engine {0} ({6}) N={1} M={2} {3} ({4}) run {5}:", Options.Signed ? "signed" : "UNSIGNED", Options.Nodes, Options.Messages,
                Options.Rate > 0 ? "paced " + Options.Rate.ToString(c) + "/s" : "unpaced", Options.Consumer, Run == "median" ? "median of " + Runs : Run, PSPeerChat.Crypto.CryptoBackends.Current.Name);
            if (_figures.Count == 0) return head + " FAILED: " + Error;
            string text = string.Format(c,
                "{0} {1:N0}/{2:N0} delivered (ratio {3:0.####}) in {4:N0} ms = {5:N0} deliveries/s, {6:N1} msgs/s (sent at {7:N0}/s); " +
                "latency p50 {8:0.##} p90 {9:0.##} p99 {10:0.##} max {11:0.##} ms (engine p50 {12:0.##} p99 {13:0.##}); " +
                "duplicates {14:0.##}/msg, copies {36:0.##}/msg (implied {37}), app duplicates {15}, self-echoes {16}; in flight max {17:N0} mean {18:N0}; " +
                "RSS {19:N0} MB end, {20:N0} MB peak; CPU {21:N2} s ({22:0.##} cores); GC {23}/{24}/{25} (paused {34:N0} ms), {26:N0} MB allocated ({27:N0} B/delivery); " +
                "verify {28:N0}/s/core ({35:N0}/s on all cores) -> {29:P0} of the {30}-core verification bound; drops: send {31}, inbox {32}; link ends lost {33}",
                head, Get("delivered"), Get("expected"), Get("deliveryRatio"), Get("wallMs"), Get("deliveriesPerSec"), Get("messagesPerSec"), Get("sendRate"),
                Get("latencyMs.p50"), Get("latencyMs.p90"), Get("latencyMs.p99"), Get("latencyMs.max"), Get("engineLatencyMs.p50"), Get("engineLatencyMs.p99"),
                Get("duplicates"), Get("appDuplicates"), Get("selfEchoes"), Get("inFlight.max"), Get("inFlight.mean"),
                Get("rssMB.end"), Get("rssMB.peak"), Get("cpuSec"), Get("cpuCores"), Get("gc.gen0"), Get("gc.gen1"), Get("gc.gen2"), Get("allocatedMB"), Get("allocatedBytesPerDelivery"),
                Get("verifyPerSecCore"), Get("verificationBoundFraction"), Get("coresUsed"), Get("sendDrops"), Get("inboxDropped"), Get("linkEndsLost"),
                Get("gc.pauseMs"), Get("verifyPerSecAllCores"), Get("copiesPerMessage"), Get("copiesImplied"));
            if (!Complete) text += " INCOMPLETE";
            if (Error != null) text += " (" + Error + ")";
            return text;
        }
    }
}
