using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// One run of the shared broadcast-flood workload (shared/bench/SPEC.md) on the engine: N nodes in this process on
    /// 127.0.0.1, node i dials (i+1) mod N and (i+5) mod N, M broadcasts round-robin, every delivery taken from
    /// the node's inbox and timed on one Stopwatch clock. Set-up (<see cref="FloodNetwork"/>), warm-up, then the
    /// measured phase: the sender (<see cref="Workload"/>) and the consumers (<see cref="Consumers"/>) run while a
    /// sampler watches memory and messages in flight; the figures go into a <see cref="RunResult"/>.
    /// The bench uses the engine's public API plus one internal bench switch, PeerNodeOptions.SignMessages
    /// (--unsigned), reached through InternalsVisibleTo.
    /// </summary>
    internal sealed class FloodRun
    {
        private static readonly TimeSpan NoProgressLimit = TimeSpan.FromSeconds(20);

        private readonly BenchOptions _o;
        private readonly int _run;
        private readonly int _n;
        private readonly int _m;
        private readonly FloodNetwork _network;
        private Workload _workload;
        private Consumers _consumers;
        private volatile bool _stopSampler;

        public FloodRun(BenchOptions options, int run)
        {
            _o = options;
            _run = run;
            _n = options.Nodes;
            _m = options.Messages;
            _network = new FloodNetwork(options);
        }

        internal static void Log(string text) => Console.Error.WriteLine("[bench] " + text);

        public RunResult Execute()
        {
            var r = new RunResult(_o, _run);
            double load = SystemProbe.LoadAverage();

            // One core's verification (and signing) speed, measured in this run before the network exists.
            CryptoProbe.Measure(out double verifyBefore, out double verifyPerSecAllCores, out double signPerSec, out double verifyAllocBytes, out Func<double> measureVerify);

            var setup = Stopwatch.StartNew();
            _network.Start();
            _workload = new Workload(_o, _run, _network.Nodes);
            _consumers = new Consumers(_o, _network.Nodes, _workload.SendUtcTicks);
            try
            {
                List<(int From, int To)> edges = FloodNetwork.Topology(_n);
                _network.ConnectAll(edges);
                _network.WaitForTopology(edges);
                long settleMs = _network.WaitForDirectories();
                Log($"run {_run}: {_n} nodes, {edges.Count} links up and directories settled in {setup.ElapsedMilliseconds} ms (announce quiet after {settleMs} ms)");

                _consumers.Start();
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
                long budget0 = Sum(n => n.BudgetDrops);
                long pauses0 = Sum(n => n.ReadPauses);
                Dictionary<Peer, long> linkFrames0 = _network.Links.ToDictionary(p => p, p => p.MessagesReceived);
                Dictionary<Peer, long> linkBytes0 = _network.Links.ToDictionary(p => p, p => p.BytesReceived);
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
                        long inflight = _workload.Sent - _consumers.Delivered / (_n - 1);
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
                Thread sender = _workload.StartSender();

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
                long budgetDrops = Sum(n => n.BudgetDrops) - budget0;
                long readPauses = Sum(n => n.ReadPauses) - pauses0;
                long busiestFrames = _network.Links.Max(p => p.MessagesReceived - linkFrames0[p]);
                long busiestBytes = _network.Links.Max(p => p.BytesReceived - linkBytes0[p]);
                // Link ends that closed during the phase (the topology is fixed: any loss is a fault), and why.
                Peer[] lost = _network.Links.Where(p => p.State == PeerState.Closed).ToArray();
                foreach (var g in lost.GroupBy(p => p.CloseReason + ": " + p.CloseDetail).OrderByDescending(g => g.Count()).Take(5))
                {
                    Log($"run {_run}: {g.Count()} link end(s) closed during the measured phase - {g.Key}");
                }
                long maxQueue = _network.Links.Where(p => p.State != PeerState.Closed).Select(p => (long)p.SendQueueLength).DefaultIfEmpty(0).Max();

                // Let stragglers (duplicates, echoes) show up in the counts before the consumers stop.
                if (complete) Thread.Sleep(200);
                long dup = Sum(n => n.DuplicatesDropped) - dup0;
                _consumers.Stop();
                if (!sender.Join(TimeSpan.FromSeconds(10))) Log("sender still blocked after the run");

                // ---- figures ----
                long delivered = _consumers.States.Sum(s => (long)s.Seen.Count(b => b));
                long firstSend = _m > 0 ? _workload.FirstSendTicks : 0;
                long lastDelivery = _consumers.States.Max(s => s.LastDeliveryTicks);
                if (!complete || lastDelivery < firstSend) lastDelivery = doneTicks;
                double wallSec = (lastDelivery - firstSend) / (double)Stopwatch.Frequency;
                long[] lat = _consumers.States.SelectMany(s => s.LatencyTicks).ToArray();
                Array.Sort(lat);
                long[] elat = _consumers.States.SelectMany(s => s.EngineLatencyUtcTicks).ToArray();
                Array.Sort(elat);
                double tickMs = 1000.0 / Stopwatch.Frequency;

                r.Complete = complete && delivered == expected;
                r.Set("deliveryRatio", Math.Round(delivered / (double)expected, 6));
                r.Set("delivered", delivered);
                r.Set("expected", expected);
                r.Set("wallMs", Math.Round(wallSec * 1000, 1));
                r.Set("deliveriesPerSec", Math.Round(delivered / wallSec, 1));
                r.Set("messagesPerSec", Math.Round(_m / wallSec, 1));
                r.Set("sendRate", Math.Round(_workload.SendRate(), 1));
                r.Set("latencyMs.p50", Math.Round(RunResult.Percentile(lat, 0.50) * tickMs, 3));
                r.Set("latencyMs.p90", Math.Round(RunResult.Percentile(lat, 0.90) * tickMs, 3));
                r.Set("latencyMs.p99", Math.Round(RunResult.Percentile(lat, 0.99) * tickMs, 3));
                r.Set("latencyMs.max", Math.Round((lat.Length > 0 ? lat[lat.Length - 1] : 0) * tickMs, 3));
                // Send to the engine's own delivery stamp (PeerMessage.ReceivedAt, wall clock): without the consumer's wake-up.
                r.Set("engineLatencyMs.p50", Math.Round(RunResult.Percentile(elat, 0.50) / 10000.0, 3));
                r.Set("engineLatencyMs.p99", Math.Round(RunResult.Percentile(elat, 0.99) / 10000.0, 3));
                r.Set("duplicates", Math.Round(dup / (double)_m, 3));
                r.Set("duplicatesDropped", dup);
                // Every copy that crossed a link, per broadcast (first copies delivered + duplicates dropped), beside the
                // 2E - (N - 1) the topology implies (each node sends a message once over each link but the one it came on).
                r.Set("copiesPerMessage", Math.Round((engineDelivered + dup) / (double)_m, 2));
                r.Set("copiesImplied", _network.Links.Length - (_n - 1));
                r.Set("appDuplicates", _consumers.States.Sum(s => s.AppDuplicates));
                r.Set("selfEchoes", _consumers.States.Sum(s => s.SelfEchoes));
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
                r.Set("budgetDrops", budgetDrops); // frames over a link's flood budget (protocol.md §8.8): 0 for honest traffic
                r.Set("readPauses", readPauses); // links read slower for their read rate (§8.8): 0 for honest traffic
                r.Set("busiestLink.framesPerSec", Math.Round(busiestFrames / wallSec)); // what the read rate must leave room for
                r.Set("busiestLink.bytesPerSec", Math.Round(busiestBytes / wallSec));
                r.Set("linkEndsLost", lost.Length);
                r.Set("threadPool.threadsMax", poolThreadsMax);
                r.Set("threadPool.pendingMax", poolPendingMax);
                r.Set("sendQueueMaxAtEnd", maxQueue);
                r.Set("rssMB.end", Math.Round(rssEnd / 1048576.0, 1));
                r.Set("rssMB.peak", Math.Round(rssPeak / 1048576.0, 1));
                r.Set("rssMB.processPeak", Math.Round(processPeak / 1048576.0, 1));
                // What of it the nodes' histories hold (frames and entries, issue #16): kept by design, up to HistoryBytes each.
                r.Set("historyMB", Math.Round(_network.Nodes.Sum(node => node.HistoryBytesHeld) / 1048576.0, 1));
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
                if (_workload.SenderError != null) r.Error = "sender: " + _workload.SenderError.Message;
                return r;
            }
            finally
            {
                _consumers.RequestStop();
                _stopSampler = true;
                _network.Stop();
            }
        }

        /// <summary>Every node broadcasts once; all N*(N-1) warm-up deliveries must arrive.</summary>
        private void WarmUp()
        {
            for (int i = 0; i < _n; i++) _network.Nodes[i].Broadcast(Workload.Payload('W', Stopwatch.GetTimestamp(), 0, i, _run));
            long expected = (long)_n * (_n - 1);
            var clock = Stopwatch.StartNew();
            while (_consumers.WarmDelivered < expected)
            {
                if (clock.Elapsed > NoProgressLimit) throw new InvalidOperationException("warm-up: " + _consumers.WarmDelivered + " of " + expected + " deliveries after " + NoProgressLimit.TotalSeconds + " s");
                Thread.Sleep(5);
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
                long d = _consumers.Delivered;
                if (d >= expected) return true;
                long s = _workload.Sent;
                long now = Stopwatch.GetTimestamp();
                if (d != lastDelivered || s != lastSent)
                {
                    lastDelivered = d;
                    lastSent = s;
                    lastProgress = now;
                }
                if (_workload.SenderError != null && !sender.IsAlive && now - lastProgress > Stopwatch.Frequency) return false;
                if (now - lastProgress > limit) return false;
            }
        }

        private long Sum(Func<PeerNode, long> counter) => _network.Sum(counter);
    }
}
