using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using PSPeerChat.Crawl;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Test-PeerNetwork: sends probe broadcasts and collects the receipts each node sends back along the probe's path
    /// (not another flood, protocol.md §11): reach against the directory, hop counts, latency p50/p99 and the nodes
    /// that stand out. A progress bar runs while it waits.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PeerNetwork")]
    [OutputType(typeof(PeerNetworkTest))]
    public sealed class TestPeerNetworkCommand : PeerCmdlet
    {
        /// <summary>Between two probes: the neighbours take a burst of 20 and then one a second from a link (protocol.md §11.3).</summary>
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        [Parameter(Position = 0, ValueFromPipeline = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Probe broadcasts to send, a quarter of a second apart.</summary>
        [Parameter]
        [ValidateRange(1, 20)]
        public int Count { get; set; } = 5;

        /// <summary>Seconds to wait for receipts after the last probe, at most; the test ends sooner once every node answered every probe.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 10;

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            List<KeyValuePair<Id128, string>> expected = node.DirectoryIds();
            if (node.PeerCount == 0) WriteWarning("The node " + node.Name + " has no peers: no probe leaves it. Connect one with Connect-Peer <host:port>.");
            else if (expected.Count == 0) WriteWarning("The node " + node.Name + " has heard of no other node yet (Get-PeerDirectory is empty): reach is measured against the directory, so wait for announcements and test again.");
            var probes = new List<NetworkProbe>();
            var progress = new ProgressRecord(2, "Testing the network from " + node.Name, "Sending probes");
            int wanted = Math.Max(1, expected.Count * Count);
            var expectedIds = new HashSet<Id128>(expected.Select(e => e.Key));
            try
            {
                for (int i = 0; i < Count && !_stop.IsCancellationRequested; i++)
                {
                    if (i > 0) _stop.Token.WaitHandle.WaitOne(Interval);
                    probes.Add(node.AskNetwork(ProbeKind.Reach));
                    progress.StatusDescription = "Sent " + probes.Count + " of " + Count + " probe(s)";
                    progress.PercentComplete = 50 * probes.Count / Count;
                    WriteProgress(progress);
                }
                DateTime deadline = DateTime.UtcNow.AddSeconds(TimeoutSec);
                while (!_stop.IsCancellationRequested)
                {
                    int receipts = probes.Sum(p => p.Answers.Count(a => expectedIds.Contains(a.Report.ReporterId)));
                    progress.StatusDescription = receipts + " of " + expected.Count * Count + " receipt(s) back";
                    progress.PercentComplete = 50 + Math.Min(49, 50 * receipts / wanted);
                    progress.SecondsRemaining = Math.Max(0, (int)(deadline - DateTime.UtcNow).TotalSeconds);
                    WriteProgress(progress);
                    if (receipts >= expected.Count * Count || DateTime.UtcNow >= deadline) break;
                    probes[probes.Count - 1].WaitForReport(TimeSpan.FromMilliseconds(200), _stop.Token);
                }
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
                if (probes.Count > 0) WriteObject(ReachSummary.Build(node.Name, probes, expected));
            }
            finally
            {
                foreach (NetworkProbe p in probes) p.Dispose();
            }
        }

        protected override void StopProcessing() => _stop.Cancel();
    }
}
