using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Stop-PeerNode: tells every neighbour goodbye, closes every socket and stops every loop of a node.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "PeerNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PeerNode))]
    public sealed class StopPeerNodeCommand : PeerCmdlet
    {
        // By value only: Peer, PeerAddressEntry and PeerDirectoryEntry carry a Node property, and
        // Get-Peer | Stop-PeerNode must not stop the local node by accident.
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Outputs the stopped node.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = Node ?? NodeRegistry.Default;
            if (node == null)
            {
                WriteError(Error(new PSInvalidOperationException("No PeerChat node is running in this session. Start one with Start-PeerNode."), "NoNode", ErrorCategory.ObjectNotFound, null));
                return;
            }
            if (!ShouldProcess(node.Name + " (" + node.Endpoint + ", " + node.PeerCount + " peers)", "Stop node")) return;
            node.Stop();
            NodeRegistry.Remove(node);
            if (PassThru) WriteObject(node);
        }
    }
}
