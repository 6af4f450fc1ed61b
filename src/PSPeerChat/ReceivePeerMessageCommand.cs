using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Receive-PeerMessage: hands the inbox's messages to the pipeline, each exactly once. With -Wait it streams
    /// them as they arrive; the network's threads only fill the inbox, WriteObject runs here on the pipeline thread.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "PeerMessage")]
    [OutputType(typeof(PeerMessage))]
    public sealed class ReceivePeerMessageCommand : PeerCmdlet
    {
        private const int BatchSize = 1024;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private Func<PeerMessage, bool> _match;

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Keep waiting for messages until -Count, -Timeout or Ctrl+C.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Seconds to wait for messages (implies -Wait).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>
        /// Only messages of these channels (wildcards, case-insensitive, '#' optional; '' is the lobby). The others stay in
        /// the inbox for a later call.
        /// </summary>
        [Parameter]
        [SupportsWildcards]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(ChannelCompleter))]
        public string[] Channel { get; set; }

        /// <summary>Return after this many messages.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            bool hasTimeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout));
            int remaining = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : int.MaxValue;
            var batch = new List<PeerMessage>(64);
            _match = Matcher(Channel);

            remaining -= Drain(node, batch, remaining);
            if (!Wait && !hasTimeout) return;

            var clock = Stopwatch.StartNew();
            TimeSpan limit = hasTimeout ? TimeSpan.FromSeconds(Timeout) : System.Threading.Timeout.InfiniteTimeSpan;
            while (remaining > 0 && !_stop.IsCancellationRequested)
            {
                TimeSpan slice = TimeSpan.FromMilliseconds(500);
                if (hasTimeout)
                {
                    TimeSpan left = limit - clock.Elapsed;
                    if (left <= TimeSpan.Zero) break;
                    if (left < slice) slice = left;
                }
                PeerMessage message = _match == null ? node.Receive(slice, _stop.Token) : node.Receive(slice, _match, _stop.Token);
                if (message == null)
                {
                    if (node.State != PeerNodeState.Running) break;
                    continue;
                }
                WriteObject(message);
                remaining--;
                remaining -= Drain(node, batch, remaining);
            }
        }

        protected override void StopProcessing() => _stop.Cancel();

        /// <summary>Null (every message) without -Channel; else a test of the message's channel against the patterns.</summary>
        private Func<PeerMessage, bool> Matcher(string[] channels)
        {
            if (channels == null) return null;
            Protocol.ChannelPattern[] patterns = ParseChannelPatterns(channels);
            return m => patterns.Any(p => p.IsMatch(m.Channel));
        }

        private int Drain(PeerNode node, List<PeerMessage> batch, int max)
        {
            int total = 0;
            while (max - total > 0 && !_stop.IsCancellationRequested)
            {
                batch.Clear();
                int n = _match == null ? node.Receive(batch, Math.Min(BatchSize, max - total)) : node.Receive(batch, Math.Min(BatchSize, max - total), _match);
                if (n == 0) break;
                foreach (PeerMessage message in batch) WriteObject(message);
                total += n;
            }
            return total;
        }
    }
}
