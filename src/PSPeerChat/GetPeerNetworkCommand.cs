using System.Management.Automation;
using System.Threading;
using PSPeerChat.Map;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Get-PeerNetwork: asks every node of the network for its links (a signed, flooded probe; the answers come back
    /// along the probe's path, protocol.md §11) and writes the map: node objects, then link objects.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PeerNetwork")]
    [OutputType(typeof(PeerNetworkNode), typeof(PeerNetworkLink))]
    public sealed class GetPeerNetworkCommand : PeerCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        [Parameter(Position = 0, ValueFromPipeline = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Seconds to wait for answers at most; the crawl ends sooner once every node seen has answered.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 10;

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            if (node.PeerCount == 0) WriteWarning("The node " + node.Name + " has no peers: the map shows only itself. Connect one with Connect-Peer <host:port>.");
            NetworkMap map = NetworkCrawl.Run(this, node, TimeoutSec, _stop.Token);
            foreach (PeerNetworkNode n in map.Nodes) WriteObject(n);
            foreach (PeerNetworkLink l in map.Links) WriteObject(l);
        }

        protected override void StopProcessing() => _stop.Cancel();
    }
}
