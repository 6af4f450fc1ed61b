using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using PSPeerChat.Crawl;
using PSPeerChat.Map;
using PSPeerChat.Protocol;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// A crawl as Get-PeerNetwork and Show-PeerNetwork run it, on the pipeline thread: one Map probe, a progress bar
    /// while reports arrive, done when every node named in a link has answered and nothing came for a moment, or at the
    /// time limit. Returns the merged map (distances computed on it).
    /// </summary>
    internal static class NetworkCrawl
    {
        /// <summary>Once every node seen has answered, the crawl still waits this long for nodes not seen yet.</summary>
        private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1000);

        public static NetworkMap Run(PSCmdlet cmdlet, PeerNode node, int timeoutSec, CancellationToken stop)
        {
            var progress = new ProgressRecord(1, "Mapping the network from " + node.Name, "Asking every node for its links") { PercentComplete = 0 };
            using (NetworkProbe probe = node.AskNetwork(ProbeKind.Map))
            {
                DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSec);
                DateTime lastNews = DateTime.UtcNow;
                int seen = -1;
                while (!stop.IsCancellationRequested)
                {
                    node.BuildMap(probe, out List<PeerNetworkNode> nodes, out List<PeerNetworkLink> links);
                    var ends = new HashSet<string>(links.Select(l => l.FromId).Concat(links.Select(l => l.ToId)));
                    int inLinks = nodes.Count(n => n.IsAsker || n.Answered || ends.Contains(n.Id));
                    int answered = nodes.Count(n => n.Answered);
                    if (answered != seen)
                    {
                        seen = answered;
                        lastNews = DateTime.UtcNow;
                    }
                    progress.StatusDescription = answered + " of " + inLinks + " node(s) seen so far answered";
                    progress.PercentComplete = Math.Min(99, (int)(100.0 * answered / Math.Max(1, inLinks)));
                    progress.SecondsRemaining = Math.Max(0, (int)(deadline - DateTime.UtcNow).TotalSeconds);
                    cmdlet.WriteProgress(progress);
                    DateTime now = DateTime.UtcNow;
                    if (now >= deadline || (answered >= inLinks && now - lastNews >= Quiet)) break;
                    TimeSpan wait = TimeSpan.FromMilliseconds(Math.Min(250, Math.Max(1, (deadline - now).TotalMilliseconds)));
                    probe.WaitForReport(wait, stop);
                }
                progress.RecordType = ProgressRecordType.Completed;
                cmdlet.WriteProgress(progress);
                node.BuildMap(probe, out List<PeerNetworkNode> finalNodes, out List<PeerNetworkLink> finalLinks);
                NetworkMap map = NetworkMap.Build(finalNodes, finalLinks);
                cmdlet.WriteVerbose(map.Nodes.Count(n => n.Answered) + " of " + map.Nodes.Count + " node(s) answered; " + map.Links.Count + " link(s).");
                return map;
            }
        }
    }
}
