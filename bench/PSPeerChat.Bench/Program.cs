using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;
using Org.BouncyCastle.Security;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// The shared broadcast-flood workload (shared/bench/SPEC.md) on the engine: N nodes in this process on
    /// 127.0.0.1, node i dials (i+1) mod N and (i+5) mod N, M broadcasts round-robin, every delivery taken from
    /// the node's inbox and timed on one Stopwatch clock. One JSON line and one readable line per run, then medians.
    /// Only the engine's public API is used (PeerNodeOptions.SignMessages, a hidden bench switch, by reflection).
    /// </summary>
    internal static class Program
    {
        /// <summary>
        /// The managed heap an idle node costs: one node started first (type initialisation, shared caches), then ten more
        /// with no links, measured after a full collection and divided by ten.
        /// </summary>
        private static void MeasureIdleNodes()
        {
            var first = PeerNode.Start(new PeerNodeOptions { Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0 });
            System.Threading.Thread.Sleep(1500); // let its maintenance loop tick once, so its lazy state exists
            long before = GC.GetTotalMemory(true);
            var nodes = new List<PeerNode>();
            for (int i = 0; i < 10; i++) nodes.Add(PeerNode.Start(new PeerNodeOptions { Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0 }));
            System.Threading.Thread.Sleep(1500);
            long after = GC.GetTotalMemory(true);
            double perNode = (after - before) / 10.0;
            Console.WriteLine("{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":\"idle\",\"figure\":\"idleNode\",\"idleNodeHeapBytes\":" + Math.Round(perNode) + "}");
            Console.WriteLine("idle node: " + (perNode / 1024).ToString("N1", CultureInfo.InvariantCulture) + " KiB of managed heap per node (10 idle nodes, after a full GC)");
            foreach (PeerNode node in nodes) node.Stop();
            first.Stop();
        }

        private static int Main(string[] args)
        {
            BenchOptions options;
            try
            {
                options = BenchOptions.Parse(args);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                Console.Error.WriteLine(BenchOptions.Usage);
                return 64;
            }
            if (options.Help)
            {
                Console.WriteLine(BenchOptions.Usage);
                return 0;
            }
            if (!options.Signed && FloodRun.SignMessagesProperty == null)
            {
                Console.Error.WriteLine("error: --unsigned needs PeerNodeOptions.SignMessages, which this build of PSPeerChat.Core does not have.");
                return 65;
            }

            if (options.Idle)
            {
                MeasureIdleNodes();
                return 0;
            }

            var results = new List<RunResult>();
            for (int run = 1; run <= options.Runs; run++)
            {
                RunResult result;
                try
                {
                    result = new FloodRun(options, run).Execute();
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine("run " + run + " failed: " + ex);
                    result = RunResult.Failed(options, run, ex.Message);
                }
                results.Add(result);
                Console.WriteLine(result.ToJson());
                if (!options.JsonOnly) Console.WriteLine(result.ToReadable());
                // Nothing of this run may linger into the next one.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }

            if (results.Count > 1)
            {
                RunResult median = RunResult.Median(results);
                Console.WriteLine(median.ToJson());
                if (!options.JsonOnly) Console.WriteLine(median.ToReadable());
            }
            return results.All(r => r.Passed) ? 0 : 2;
        }
    }

    internal sealed class BenchOptions
    {
        public const string Usage =
            "PSPeerChat.Bench [--nodes 20] [--messages 2000] [--rate 0] [--runs 3] [--unsigned] [--json-only]\n" +
            "                 [--consumer threads|poller|event]\n" +
            "  --rate      messages per second; 0 sends as fast as Broadcast accepts them\n" +
            "  --unsigned  bench-only: MESSAGE frames unsigned and unverified (PeerNodeOptions.SignMessages = false)\n" +
            "  --consumer  how deliveries are taken: poller = one thread draining every inbox with Receive(list, max),\n" +
            "              sleeping 1 ms when all are empty (default); threads = one thread per node, waiting on its inbox;\n" +
            "              event = the MessageReceived event (the inbox then holds 1 message)";

        public int Nodes = 20;
        public int Messages = 2000;
        public double Rate;
        public int Runs = 3;
        public bool Signed = true;
        public bool JsonOnly;
        public bool Help;
        public bool Idle;
        public string Consumer = "poller";

        public static BenchOptions Parse(string[] args)
        {
            var o = new BenchOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i].ToLowerInvariant();
                string Next()
                {
                    if (i + 1 >= args.Length) throw new ArgumentException(args[i] + " needs a value");
                    return args[++i];
                }
                switch (a)
                {
                    case "--nodes": o.Nodes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--messages": o.Messages = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--runs": o.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--unsigned": o.Signed = false; break;
                    case "--json-only": o.JsonOnly = true; break;
                    case "--consumer": o.Consumer = Next().ToLowerInvariant(); break;
                    case "-h":
                    case "--help": o.Help = true; break;
                    case "--idle": o.Idle = true; break;
                    default: throw new ArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (o.Nodes < 2 || o.Nodes > 9999) throw new ArgumentException("--nodes must be 2..9999");
            if (o.Messages < 1 || o.Messages > 99999999) throw new ArgumentException("--messages must be 1..99999999");
            if (o.Rate < 0) throw new ArgumentException("--rate must be >= 0");
            if (o.Runs < 1) throw new ArgumentException("--runs must be >= 1");
            if (o.Consumer != "threads" && o.Consumer != "poller" && o.Consumer != "event") throw new ArgumentException("--consumer must be threads, poller or event");
            return o;
        }
    }

    /// <summary>Deliveries seen by one node, written only by that node's consumer (or under Lock for events).</summary>
    internal sealed class NodeState
    {
        public int Index;
        public PeerNode Node;
        public bool[] Seen;
        public bool[] WarmSeen;
        public List<long> LatencyTicks;
        public List<long> EngineLatencyUtcTicks;
        public long LastDeliveryTicks;
        public long AppDuplicates;
        public long SelfEchoes;
        public long Foreign;
        public readonly object Lock = new object();
    }

    internal sealed class FloodRun
    {
        /// <summary>The bench-only switch (public, hidden from IntelliSense); null when the engine predates it.</summary>
        public static readonly PropertyInfo SignMessagesProperty = typeof(PeerNodeOptions).GetProperty("SignMessages", BindingFlags.Public | BindingFlags.Instance);

        public const int PayloadLength = 100;
        private static readonly TimeSpan NoProgressLimit = TimeSpan.FromSeconds(20);

        private readonly BenchOptions _o;
        private readonly int _run;
        private readonly int _n;
        private readonly int _m;
        private PeerNode[] _nodes;
        private Peer[] _links; // both ends of every link, as the measured phase started
        private NodeState[] _states;
        private long[] _sendUtcTicks;
        private long _delivered;
        private long _warmDelivered;
        private long _sent;
        private volatile bool _stopConsumers;
        private volatile bool _stopSampler;
        private Exception _senderError;

        public FloodRun(BenchOptions options, int run)
        {
            _o = options;
            _run = run;
            _n = options.Nodes;
            _m = options.Messages;
        }

        private static void Log(string text) => Console.Error.WriteLine("[bench] " + text);

        public RunResult Execute()
        {
            var r = new RunResult(_o, _run);
            double load = LoadAverage();

            // One core's verification (and signing) speed, measured in this run before the network exists.
            MeasureCrypto(out double verifyBefore, out double verifyPerSecAllCores, out double signPerSec, out double verifyAllocBytes, out Func<double> measureVerify);

            var setup = Stopwatch.StartNew();
            StartNodes();
            try
            {
                List<(int From, int To)> edges = Topology(_n);
                ConnectAll(edges);
                WaitForTopology(edges);
                long settleMs = WaitForDirectories();
                Log($"run {_run}: {_n} nodes, {edges.Count} links up and directories settled in {setup.ElapsedMilliseconds} ms (announce quiet after {settleMs} ms)");

                Thread[] consumers = StartConsumers();
                WarmUp();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                Thread.Sleep(500);

                // ---- measured phase ----
                Process proc = Process.GetCurrentProcess();
                proc.Refresh();
                long dup0 = Sum(n => n.DuplicatesDropped);
                long ver0 = Sum(n => n.SignaturesVerified);
                long del0 = Sum(n => n.MessagesDelivered);
                long drops0 = Sum(n => n.SendDrops);
                long inboxDrops0 = Sum(n => n.InboxDropped);
                long replays0 = Sum(n => n.ReplaysRefused);
                long invalid0 = Sum(n => n.InvalidFrames) + Sum(n => n.InvalidSignatures);
                TimeSpan cpu0 = proc.TotalProcessorTime;
                TimeSpan gcPause0 = GC.GetTotalPauseDuration();
                int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
                long alloc0 = GC.GetTotalAllocatedBytes(precise: true);

                long rssPeak = proc.WorkingSet64;
                long heapPeak = GC.GetTotalMemory(false);
                long inflightMax = 0;
                double inflightSum = 0;
                int inflightSamples = 0;
                long poolThreadsMax = ThreadPool.ThreadCount;
                long poolPendingMax = ThreadPool.PendingWorkItemCount;
                var sampler = new Thread(() =>
                {
                    using Process p = Process.GetCurrentProcess();
                    while (!_stopSampler)
                    {
                        Thread.Sleep(100);
                        p.Refresh();
                        rssPeak = Math.Max(rssPeak, p.WorkingSet64);
                        heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
                        long inflight = Interlocked.Read(ref _sent) - Interlocked.Read(ref _delivered) / (_n - 1);
                        if (inflight < 0) inflight = 0;
                        inflightMax = Math.Max(inflightMax, inflight);
                        inflightSum += inflight;
                        inflightSamples++;
                        poolThreadsMax = Math.Max(poolThreadsMax, ThreadPool.ThreadCount);
                        poolPendingMax = Math.Max(poolPendingMax, ThreadPool.PendingWorkItemCount);
                    }
                }) { IsBackground = true, Name = "bench sampler", Priority = ThreadPriority.AboveNormal };
                sampler.Start();

                long expected = (long)_m * (_n - 1);
                var sender = new Thread(_o.Rate > 0 ? (ThreadStart)SendPaced : SendUnpaced) { IsBackground = true, Name = "bench sender" };
                sender.Start();

                bool complete = WaitForDeliveries(expected, sender);
                long doneTicks = Stopwatch.GetTimestamp();

                proc.Refresh();
                TimeSpan cpu1 = proc.TotalProcessorTime;
                double gcPauseMs = (GC.GetTotalPauseDuration() - gcPause0).TotalMilliseconds;
                long gcCommitted = GC.GetGCMemoryInfo().TotalCommittedBytes;
                long alloc1 = GC.GetTotalAllocatedBytes(precise: true);
                int g0e = GC.CollectionCount(0) - g0, g1e = GC.CollectionCount(1) - g1, g2e = GC.CollectionCount(2) - g2;
                long rssEnd = proc.WorkingSet64;
                long processPeak = proc.PeakWorkingSet64;
                _stopSampler = true;
                sampler.Join();
                rssPeak = Math.Max(rssPeak, rssEnd);
                // The host's speed drifts: measured again after the phase, and the faster figure is the bound, so a
                // slow moment during the first measurement cannot flatter the run.
                double verifyAfter = measureVerify();
                double verifyPerSec = Math.Max(verifyBefore, verifyAfter);

                long verified = Sum(n => n.SignaturesVerified) - ver0;
                long engineDelivered = Sum(n => n.MessagesDelivered) - del0;
                long sendDrops = Sum(n => n.SendDrops) - drops0;
                long inboxDrops = Sum(n => n.InboxDropped) - inboxDrops0;
                long replays = Sum(n => n.ReplaysRefused) - replays0;
                long invalid = Sum(n => n.InvalidFrames) + Sum(n => n.InvalidSignatures) - invalid0;
                // Link ends that closed during the phase (the topology is fixed: any loss is a fault), and why.
                Peer[] lost = _links.Where(p => p.State == PeerState.Closed).ToArray();
                foreach (var g in lost.GroupBy(p => p.CloseReason + ": " + p.CloseDetail).OrderByDescending(g => g.Count()).Take(5))
                {
                    Log($"run {_run}: {g.Count()} link end(s) closed during the measured phase - {g.Key}");
                }
                long maxQueue = _links.Where(p => p.State != PeerState.Closed).Select(p => (long)p.SendQueueLength).DefaultIfEmpty(0).Max();

                // Let stragglers (duplicates, echoes) show up in the counts before the consumers stop.
                if (complete) Thread.Sleep(200);
                long dup = Sum(n => n.DuplicatesDropped) - dup0;
                StopConsumers(consumers);
                if (!sender.Join(TimeSpan.FromSeconds(10))) Log("sender still blocked after the run");

                // ---- figures ----
                long delivered = _states.Sum(s => (long)s.Seen.Count(b => b));
                long firstSend = _m > 0 ? FirstSendTicks() : 0;
                long lastDelivery = _states.Max(s => s.LastDeliveryTicks);
                if (!complete || lastDelivery < firstSend) lastDelivery = doneTicks;
                double wallSec = (lastDelivery - firstSend) / (double)Stopwatch.Frequency;
                long[] lat = _states.SelectMany(s => s.LatencyTicks).ToArray();
                Array.Sort(lat);
                long[] elat = _states.SelectMany(s => s.EngineLatencyUtcTicks).ToArray();
                Array.Sort(elat);
                double tickMs = 1000.0 / Stopwatch.Frequency;

                r.Complete = complete && delivered == expected;
                r.Set("deliveryRatio", Math.Round(delivered / (double)expected, 6));
                r.Set("delivered", delivered);
                r.Set("expected", expected);
                r.Set("wallMs", Math.Round(wallSec * 1000, 1));
                r.Set("deliveriesPerSec", Math.Round(delivered / wallSec, 1));
                r.Set("messagesPerSec", Math.Round(_m / wallSec, 1));
                r.Set("sendRate", Math.Round(SendRate(), 1));
                r.Set("latencyMs.p50", Math.Round(Percentile(lat, 0.50) * tickMs, 3));
                r.Set("latencyMs.p90", Math.Round(Percentile(lat, 0.90) * tickMs, 3));
                r.Set("latencyMs.p99", Math.Round(Percentile(lat, 0.99) * tickMs, 3));
                r.Set("latencyMs.max", Math.Round((lat.Length > 0 ? lat[lat.Length - 1] : 0) * tickMs, 3));
                // Send to the engine's own delivery stamp (PeerMessage.ReceivedAt, wall clock): without the consumer's wake-up.
                r.Set("engineLatencyMs.p50", Math.Round(Percentile(elat, 0.50) / 10000.0, 3));
                r.Set("engineLatencyMs.p99", Math.Round(Percentile(elat, 0.99) / 10000.0, 3));
                r.Set("duplicates", Math.Round(dup / (double)_m, 3));
                r.Set("duplicatesDropped", dup);
                r.Set("appDuplicates", _states.Sum(s => s.AppDuplicates));
                r.Set("selfEchoes", _states.Sum(s => s.SelfEchoes));
                r.Set("inFlight.max", inflightMax);
                r.Set("inFlight.mean", Math.Round(inflightSamples > 0 ? inflightSum / inflightSamples : 0, 1));
                r.Set("engineDelivered", engineDelivered);
                r.Set("signaturesVerified", verified);
                // Checks beyond one per delivery: ANNOUNCEs, and copies of one message verified in parallel on two links
                // before either marked it seen (the duplicate check comes before verification, the marking after).
                r.Set("redundantVerifications", _o.Signed ? verified - engineDelivered : verified);
                r.Set("sendDrops", sendDrops);
                r.Set("inboxDropped", inboxDrops);
                r.Set("replaysRefused", replays);
                r.Set("invalid", invalid);
                r.Set("linkEndsLost", lost.Length);
                r.Set("threadPool.threadsMax", poolThreadsMax);
                r.Set("threadPool.pendingMax", poolPendingMax);
                r.Set("sendQueueMaxAtEnd", maxQueue);
                r.Set("rssMB.end", Math.Round(rssEnd / 1048576.0, 1));
                r.Set("rssMB.peak", Math.Round(rssPeak / 1048576.0, 1));
                r.Set("rssMB.processPeak", Math.Round(processPeak / 1048576.0, 1));
                r.Set("cpuSec", Math.Round((cpu1 - cpu0).TotalSeconds, 3));
                r.Set("cpuCores", Math.Round((cpu1 - cpu0).TotalSeconds / Math.Max(wallSec, 1e-9), 2));
                r.Set("gc.gen0", g0e);
                r.Set("gc.gen1", g1e);
                r.Set("gc.gen2", g2e);
                // What of the RSS is the managed heap: its peak (live and not yet collected) and what the GC kept committed.
                r.Set("gc.heapPeakMB", Math.Round(heapPeak / 1048576.0, 1));
                r.Set("gc.committedMB", Math.Round(gcCommitted / 1048576.0, 1));
                r.Set("gc.pauseMs", Math.Round(gcPauseMs, 0));
                r.Set("allocatedMB", Math.Round((alloc1 - alloc0) / 1048576.0, 1));
                r.Set("allocatedBytesPerDelivery", Math.Round((alloc1 - alloc0) / (double)Math.Max(1, delivered), 0));
                r.Set("verifyPerSecCore", Math.Round(verifyPerSec, 0));
                r.Set("verifyPerSecCoreBefore", Math.Round(verifyBefore, 0));
                r.Set("verifyPerSecCoreAfter", Math.Round(verifyAfter, 0));
                r.Set("verifyPerSecAllCores", Math.Round(verifyPerSecAllCores, 0));
                r.Set("signPerSecCore", Math.Round(signPerSec, 0));
                r.Set("verifyAllocBytes", Math.Round(verifyAllocBytes, 0));
                r.Set("coresUsed", Environment.ProcessorCount);
                r.Set("verificationBoundFraction", Math.Round(delivered / wallSec / (verifyPerSec * Environment.ProcessorCount), 3));
                r.Set("links", edges.Count);
                // The machine is shared: the 1-minute load average when the run started tells how noisy it was.
                if (!double.IsNaN(load)) r.Set("loadAvg1", load);
                if (!r.Complete) r.Error = complete ? "deliveries missing" : "no progress for " + NoProgressLimit.TotalSeconds + " s";
                if (_senderError != null) r.Error = "sender: " + _senderError.Message;
                return r;
            }
            finally
            {
                _stopConsumers = true;
                _stopSampler = true;
                StopNodes();
            }
        }

        // ------------------------------------------------------------------ network

        /// <summary>i dials (i+1) mod N and (i+5) mod N; undirected duplicates and self-links dropped, the first dialler kept.</summary>
        public static List<(int From, int To)> Topology(int n)
        {
            var edges = new List<(int, int)>();
            var seen = new HashSet<(int, int)>();
            for (int i = 0; i < n; i++)
            {
                foreach (int j in new[] { (i + 1) % n, (i + 5) % n })
                {
                    if (j == i) continue;
                    if (seen.Add((Math.Min(i, j), Math.Max(i, j)))) edges.Add((i, j));
                }
            }
            return edges;
        }

        private void StartNodes()
        {
            _nodes = new PeerNode[_n];
            _states = new NodeState[_n];
            _sendUtcTicks = new long[_m];
            for (int i = 0; i < _n; i++)
            {
                var options = new PeerNodeOptions
                {
                    Name = "bench" + i.ToString("D2", CultureInfo.InvariantCulture),
                    Port = 0,
                    FallForward = false,
                    ListenAddress = "127.0.0.1",
                    TargetPeers = 0,
                    // The consumers keep up; the room only makes sure a slow moment is not counted as a loss.
                    InboxCapacity = _o.Consumer == "event" ? 1 : Math.Max(10000, _m + _n + 100),
                };
                if (!_o.Signed) SignMessagesProperty.SetValue(options, false);
                _nodes[i] = PeerNode.Start(options);
                _states[i] = new NodeState
                {
                    Index = i,
                    Node = _nodes[i],
                    Seen = new bool[_m],
                    WarmSeen = new bool[_n],
                    LatencyTicks = new List<long>(_m),
                    EngineLatencyUtcTicks = new List<long>(_m),
                };
            }
        }

        private void ConnectAll(List<(int From, int To)> edges)
        {
            Task[] dials = edges.Select(e => (Task)_nodes[e.From].ConnectAsync("127.0.0.1:" + _nodes[e.To].Port.ToString(CultureInfo.InvariantCulture), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10))).ToArray();
            Task.WaitAll(dials);
        }

        /// <summary>Every node holds exactly its topology neighbours (by node id), all connected.</summary>
        private void WaitForTopology(List<(int From, int To)> edges)
        {
            var expected = new HashSet<string>[_n];
            for (int i = 0; i < _n; i++) expected[i] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach ((int a, int b) in edges)
            {
                expected[a].Add(_nodes[b].Id);
                expected[b].Add(_nodes[a].Id);
            }
            var clock = Stopwatch.StartNew();
            while (true)
            {
                string problem = null;
                for (int i = 0; i < _n && problem == null; i++)
                {
                    Peer[] peers = _nodes[i].GetPeers();
                    var ids = new HashSet<string>(peers.Where(p => p.State == PeerState.Connected && p.Protocol == PeerProtocol.PeerChat).Select(p => p.Id), StringComparer.OrdinalIgnoreCase);
                    if (peers.Length != expected[i].Count || !ids.SetEquals(expected[i]))
                    {
                        problem = "node " + i + " holds " + peers.Length + " links (" + ids.Count + " as expected), expected " + expected[i].Count;
                    }
                }
                if (problem == null)
                {
                    _links = _nodes.SelectMany(n => n.GetPeers()).ToArray();
                    return;
                }
                if (clock.Elapsed > TimeSpan.FromSeconds(15)) throw new InvalidOperationException("topology not reached: " + problem);
                Thread.Sleep(20);
            }
        }

        /// <summary>
        /// Not timed: waits until every node's directory knows every other node and the ANNOUNCE flood that follows a
        /// start has died down (no signature checked anywhere for 2.5 s), so it does not run into the measured phase.
        /// </summary>
        private long WaitForDirectories()
        {
            var clock = Stopwatch.StartNew();
            while (_nodes.Any(n => n.GetDirectory().Length < _n - 1))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(15))
                {
                    Log("directories incomplete after 15 s; going on");
                    break;
                }
                Thread.Sleep(50);
            }
            long last = Sum(n => n.SignaturesVerified);
            var quiet = Stopwatch.StartNew();
            while (quiet.ElapsedMilliseconds < 2500 && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(100);
                long now = Sum(n => n.SignaturesVerified);
                if (now != last)
                {
                    last = now;
                    quiet.Restart();
                }
            }
            return clock.ElapsedMilliseconds;
        }

        private void StopNodes()
        {
            if (_nodes == null) return;
            Task.WaitAll(_nodes.Where(n => n != null).Select(n => Task.Run(() => n.Stop())).ToArray(), TimeSpan.FromSeconds(15));
        }

        private long Sum(Func<PeerNode, long> counter) => _nodes.Sum(counter);

        // ------------------------------------------------------------------ payload

        // 'M' | send ticks (19 digits) | '|' | k (8) | '|' | origin (4) | '|' | filler to 100 ASCII bytes.
        private static string Payload(char kind, long ticks, int k, int origin, int run)
        {
            var b = new StringBuilder(PayloadLength);
            b.Append(kind);
            b.Append(ticks.ToString("D19", CultureInfo.InvariantCulture));
            b.Append('|').Append(k.ToString("D8", CultureInfo.InvariantCulture));
            b.Append('|').Append(origin.ToString("D4", CultureInfo.InvariantCulture));
            b.Append("|run").Append(run.ToString("D2", CultureInfo.InvariantCulture)).Append('|');
            while (b.Length < PayloadLength) b.Append((char)('a' + (b.Length + k) % 26));
            return b.ToString();
        }

        private static long ParseDigits(string s, int start, int count)
        {
            long v = 0;
            for (int i = start; i < start + count; i++)
            {
                int d = s[i] - '0';
                if ((uint)d > 9) return -1;
                v = v * 10 + d;
            }
            return v;
        }

        private long FirstSendTicks() => _sendTicks0;

        private long _sendTicks0;
        private long _sendTicksLast;

        private double SendRate()
        {
            long sent = Interlocked.Read(ref _sent);
            if (sent < 2 || _sendTicksLast <= _sendTicks0) return 0;
            return (sent - 1) / ((_sendTicksLast - _sendTicks0) / (double)Stopwatch.Frequency);
        }

        // ------------------------------------------------------------------ receiving

        private void Handle(NodeState st, PeerMessage m, long nowTicks)
        {
            string t = m.Text;
            if (t == null || t.Length < 35 || (t[0] != 'M' && t[0] != 'W'))
            {
                st.Foreign++;
                return;
            }
            int origin = (int)ParseDigits(t, 30, 4);
            if (origin == st.Index || string.Equals(m.From, st.Node.Id, StringComparison.OrdinalIgnoreCase))
            {
                st.SelfEchoes++;
                return;
            }
            if (t[0] == 'W')
            {
                if (origin < 0 || origin >= _n) { st.Foreign++; return; }
                if (st.WarmSeen[origin]) { st.AppDuplicates++; return; }
                st.WarmSeen[origin] = true;
                Interlocked.Increment(ref _warmDelivered);
                return;
            }
            long k = ParseDigits(t, 21, 8);
            long sent = ParseDigits(t, 1, 19);
            if (k < 0 || k >= _m || sent < 0) { st.Foreign++; return; }
            if (st.Seen[k]) { st.AppDuplicates++; return; }
            st.Seen[k] = true;
            st.LatencyTicks.Add(nowTicks - sent);
            st.EngineLatencyUtcTicks.Add(m.ReceivedAt.UtcTicks - Volatile.Read(ref _sendUtcTicks[k]));
            if (nowTicks > st.LastDeliveryTicks) st.LastDeliveryTicks = nowTicks;
            Interlocked.Increment(ref _delivered);
        }

        private Thread[] StartConsumers()
        {
            switch (_o.Consumer)
            {
                case "event":
                    foreach (NodeState st in _states)
                    {
                        NodeState s = st;
                        s.Node.MessageReceived += (sender, e) =>
                        {
                            long now = Stopwatch.GetTimestamp();
                            lock (s.Lock) Handle(s, e.Message, now);
                        };
                    }
                    return new Thread[0];

                case "poller":
                    var poller = new Thread(() =>
                    {
                        var batch = new List<PeerMessage>(4096);
                        while (!_stopConsumers)
                        {
                            int total = 0;
                            foreach (NodeState st in _states)
                            {
                                batch.Clear();
                                int got = st.Node.Receive(batch, 4096);
                                if (got == 0) continue;
                                long now = Stopwatch.GetTimestamp();
                                foreach (PeerMessage m in batch) Handle(st, m, now);
                                total += got;
                            }
                            if (total == 0) Thread.Sleep(1);
                        }
                    }) { IsBackground = true, Name = "bench poller" };
                    poller.Start();
                    return new[] { poller };

                default:
                    return _states.Select(st =>
                    {
                        var t = new Thread(() =>
                        {
                            var batch = new List<PeerMessage>(1024);
                            while (!_stopConsumers)
                            {
                                PeerMessage first = st.Node.Receive(TimeSpan.FromMilliseconds(100));
                                if (first == null) continue;
                                Handle(st, first, Stopwatch.GetTimestamp());
                                while (true)
                                {
                                    batch.Clear();
                                    if (st.Node.Receive(batch, 1024) == 0) break;
                                    long now = Stopwatch.GetTimestamp();
                                    foreach (PeerMessage m in batch) Handle(st, m, now);
                                }
                            }
                        }) { IsBackground = true, Name = "bench consumer " + st.Index };
                        t.Start();
                        return t;
                    }).ToArray();
            }
        }

        private void StopConsumers(Thread[] consumers)
        {
            _stopConsumers = true;
            foreach (Thread t in consumers) t.Join(TimeSpan.FromSeconds(5));
        }

        /// <summary>Every node broadcasts once; all N*(N-1) warm-up deliveries must arrive.</summary>
        private void WarmUp()
        {
            for (int i = 0; i < _n; i++) _nodes[i].Broadcast(Payload('W', Stopwatch.GetTimestamp(), 0, i, _run));
            long expected = (long)_n * (_n - 1);
            var clock = Stopwatch.StartNew();
            while (Interlocked.Read(ref _warmDelivered) < expected)
            {
                if (clock.Elapsed > NoProgressLimit) throw new InvalidOperationException("warm-up: " + Interlocked.Read(ref _warmDelivered) + " of " + expected + " deliveries after " + NoProgressLimit.TotalSeconds + " s");
                Thread.Sleep(5);
            }
        }

        // ------------------------------------------------------------------ sending

        private void SendOne(int k)
        {
            int origin = k % _n;
            long ticks = Stopwatch.GetTimestamp();
            if (k == 0) _sendTicks0 = ticks;
            string text = Payload('M', ticks, k, origin, _run);
            Volatile.Write(ref _sendUtcTicks[k], DateTime.UtcNow.Ticks);
            _nodes[origin].Broadcast(text);
            _sendTicksLast = ticks;
            Interlocked.Increment(ref _sent);
        }

        /// <summary>As fast as Broadcast accepts them (it blocks only on a full link queue): one thread, round-robin.</summary>
        private void SendUnpaced()
        {
            try
            {
                for (int k = 0; k < _m; k++) SendOne(k);
            }
            catch (Exception ex)
            {
                _senderError = ex;
            }
        }

        /// <summary>Message k is due at start + k/R; the thread sleeps until the next one is due and catches up when late.</summary>
        private void SendPaced()
        {
            try
            {
                long start = Stopwatch.GetTimestamp();
                double ticksPerMessage = Stopwatch.Frequency / _o.Rate;
                for (int k = 0; k < _m; k++)
                {
                    long due = start + (long)(k * ticksPerMessage);
                    while (true)
                    {
                        long left = due - Stopwatch.GetTimestamp();
                        if (left <= 0) break;
                        double ms = left * 1000.0 / Stopwatch.Frequency;
                        Thread.Sleep(ms > 2 ? (int)ms - 1 : 1);
                    }
                    SendOne(k);
                }
            }
            catch (Exception ex)
            {
                _senderError = ex;
            }
        }

        /// <summary>True when every delivery arrived; false after 20 s without a delivery or a send.</summary>
        private bool WaitForDeliveries(long expected, Thread sender)
        {
            long lastDelivered = -1;
            long lastSent = -1;
            long lastProgress = Stopwatch.GetTimestamp();
            long limit = (long)(NoProgressLimit.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                Thread.Sleep(5);
                long d = Interlocked.Read(ref _delivered);
                if (d >= expected) return true;
                long s = Interlocked.Read(ref _sent);
                long now = Stopwatch.GetTimestamp();
                if (d != lastDelivered || s != lastSent)
                {
                    lastDelivered = d;
                    lastSent = s;
                    lastProgress = now;
                }
                if (_senderError != null && !sender.IsAlive && now - lastProgress > Stopwatch.Frequency) return false;
                if (now - lastProgress > limit) return false;
            }
        }

        // ------------------------------------------------------------------ crypto bound

        /// <summary>
        /// Ed25519 with BouncyCastle directly, one thread, as the engine calls it (decoded public key, 200-byte
        /// messages): warm-up until the JIT has settled (0.5 s per operation), then three passes over 2000 signatures;
        /// the best pass counts, since the machine is shared and noise only ever slows a pass down.
        /// </summary>
        private static void MeasureCrypto(out double verifyPerSec, out double verifyPerSecAllCores, out double signPerSec, out double verifyAllocBytes, out Func<double> measureVerify)
        {
            const int count = 2000;
            const int passes = 3;
            var random = new SecureRandom();
            var priv = new Ed25519PrivateKeyParameters(random);
            byte[] pubBytes = priv.GeneratePublicKey().GetEncoded();
            var pub = new Ed25519PublicKeyParameters(pubBytes, 0);
            var messages = new byte[count][];
            var signatures = new byte[count][];
            for (int i = 0; i < count; i++)
            {
                messages[i] = new byte[200];
                random.NextBytes(messages[i]);
                signatures[i] = new byte[Ed25519.SignatureSize];
            }

            var clock = Stopwatch.StartNew();
            for (int i = 0; clock.ElapsedMilliseconds < 500; i = (i + 1) % count) priv.Sign(Ed25519.Algorithm.Ed25519, null, messages[i], 0, 200, signatures[i], 0);
            signPerSec = 0;
            for (int pass = 0; pass < passes; pass++)
            {
                clock.Restart();
                for (int i = 0; i < count; i++) priv.Sign(Ed25519.Algorithm.Ed25519, null, messages[i], 0, 200, signatures[i], 0);
                signPerSec = Math.Max(signPerSec, count / clock.Elapsed.TotalSeconds);
            }

            bool ok = true;
            clock.Restart();
            for (int i = 0; clock.ElapsedMilliseconds < 500; i = (i + 1) % count) ok &= pub.Verify(Ed25519.Algorithm.Ed25519, null, messages[i], 0, 200, signatures[i], 0);
            measureVerify = () =>
            {
                double best = 0;
                var passClock = new Stopwatch();
                for (int pass = 0; pass < passes; pass++)
                {
                    passClock.Restart();
                    for (int i = 0; i < count; i++) pub.Verify(Ed25519.Algorithm.Ed25519, null, messages[i], 0, 200, signatures[i], 0);
                    best = Math.Max(best, count / passClock.Elapsed.TotalSeconds);
                }
                return best;
            };
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            verifyPerSec = measureVerify();
            verifyAllocBytes = (GC.GetAllocatedBytesForCurrentThread() - alloc0) / (double)(count * passes);

            // The bound assumes the cores verify independently; one thread per core for 0.5 s checks that they do
            // (a shared physical core or a throttled host would show here, not as a slow network).
            long total = 0;
            var all = Stopwatch.StartNew();
            Thread[] workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
            {
                long c = 0;
                for (int i = 0; all.ElapsedMilliseconds < 500; i = (i + 1) % count, c++) pub.Verify(Ed25519.Algorithm.Ed25519, null, messages[i], 0, 200, signatures[i], 0);
                Interlocked.Add(ref total, c);
            })).ToArray();
            foreach (Thread w in workers) w.Start();
            foreach (Thread w in workers) w.Join();
            verifyPerSecAllCores = total / all.Elapsed.TotalSeconds;
            if (!ok) throw new InvalidOperationException("a BouncyCastle signature did not verify");
        }

        private static double LoadAverage()
        {
            try
            {
                string text = System.IO.File.ReadAllText("/proc/loadavg");
                return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (Exception)
            {
                return double.NaN;
            }
        }

        private static double Percentile(long[] sorted, double q)
        {
            if (sorted.Length == 0) return 0;
            int rank = (int)Math.Ceiling(q * sorted.Length) - 1;
            return sorted[Math.Min(sorted.Length - 1, Math.Max(0, rank))];
        }
    }

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
            string head = string.Format(c, "engine {0} N={1} M={2} {3} ({4}) run {5}:", Options.Signed ? "signed" : "UNSIGNED", Options.Nodes, Options.Messages,
                Options.Rate > 0 ? "paced " + Options.Rate.ToString(c) + "/s" : "unpaced", Options.Consumer, Run == "median" ? "median of " + Runs : Run);
            if (_figures.Count == 0) return head + " FAILED: " + Error;
            string text = string.Format(c,
                "{0} {1:N0}/{2:N0} delivered (ratio {3:0.####}) in {4:N0} ms = {5:N0} deliveries/s, {6:N1} msgs/s (sent at {7:N0}/s); " +
                "latency p50 {8:0.##} p90 {9:0.##} p99 {10:0.##} max {11:0.##} ms (engine p50 {12:0.##} p99 {13:0.##}); " +
                "duplicates {14:0.##}/msg, app duplicates {15}, self-echoes {16}; in flight max {17:N0} mean {18:N0}; " +
                "RSS {19:N0} MB end, {20:N0} MB peak; CPU {21:N2} s ({22:0.##} cores); GC {23}/{24}/{25} (paused {34:N0} ms), {26:N0} MB allocated ({27:N0} B/delivery); " +
                "verify {28:N0}/s/core ({35:N0}/s on all cores) -> {29:P0} of the {30}-core verification bound; drops: send {31}, inbox {32}; link ends lost {33}",
                head, Get("delivered"), Get("expected"), Get("deliveryRatio"), Get("wallMs"), Get("deliveriesPerSec"), Get("messagesPerSec"), Get("sendRate"),
                Get("latencyMs.p50"), Get("latencyMs.p90"), Get("latencyMs.p99"), Get("latencyMs.max"), Get("engineLatencyMs.p50"), Get("engineLatencyMs.p99"),
                Get("duplicates"), Get("appDuplicates"), Get("selfEchoes"), Get("inFlight.max"), Get("inFlight.mean"),
                Get("rssMB.end"), Get("rssMB.peak"), Get("cpuSec"), Get("cpuCores"), Get("gc.gen0"), Get("gc.gen1"), Get("gc.gen2"), Get("allocatedMB"), Get("allocatedBytesPerDelivery"),
                Get("verifyPerSecCore"), Get("verificationBoundFraction"), Get("coresUsed"), Get("sendDrops"), Get("inboxDropped"), Get("linkEndsLost"),
                Get("gc.pauseMs"), Get("verifyPerSecAllCores"));
            if (!Complete) text += " INCOMPLETE";
            if (Error != null) text += " (" + Error + ")";
            return text;
        }
    }
}
