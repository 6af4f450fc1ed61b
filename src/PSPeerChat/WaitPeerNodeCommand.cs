using System;
using System.Management.Automation;
using System.Threading;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Wait-PeerNode: waits until a node holds a number of links, so that what a script sends next reaches someone.
    /// Outputs each node that got there; one that did not in time gets a PeerNodeWaitTimeout error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "PeerNode")]
    [OutputType(typeof(PeerNode))]
    public sealed class WaitPeerNodeCommand : PeerCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        // By value only, as Stop-PeerNode: Get-Peer output carries a Node property too.
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Links to wait for.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Count { get; set; } = 1;

        /// <summary>Seconds to wait at most.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 10;

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            if (Wait(this, node, Count, TimeoutSec, _stop.Token)) WriteObject(node);
        }

        protected override void StopProcessing() => _stop.Cancel();

        /// <summary>
        /// Waits for <paramref name="count"/> links of <paramref name="node"/>; false (with a PeerNodeWaitTimeout error
        /// written) when they did not come in time or the wait was stopped. Shared with Start-PeerNode -Wait.
        /// </summary>
        internal static bool Wait(PeerCmdlet cmdlet, PeerNode node, int count, int timeoutSec, CancellationToken stop)
        {
            cmdlet.WriteVerbose("Waiting up to " + timeoutSec + " s until " + node.Name + " has " + count + " link(s); it has " + node.PeerCount + ".");
            try
            {
                if (node.WaitForPeersAsync(count, TimeSpan.FromSeconds(timeoutSec), stop).GetAwaiter().GetResult()) return true;
            }
            catch (OperationCanceledException)
            {
                return false; // Ctrl+C
            }
            string why = node.TargetPeers == 0 && (node.GetAddressBook().Length == 0)
                ? " It dials nobody by itself (TargetPeers 0): connect one with Connect-Peer <host:port>."
                : " It keeps dialling the addresses it knows (Get-PeerAddress shows them and their failures); wait longer, or connect one with Connect-Peer <host:port>.";
            var error = new TimeoutException("The node " + node.Name + " has " + node.PeerCount + " of " + count + " link(s) after " + timeoutSec + " s." + why);
            cmdlet.WriteError(Error(error, "PeerNodeWaitTimeout", ErrorCategory.OperationTimeout, node));
            return false;
        }
    }
}
