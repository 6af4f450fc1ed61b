using System.Linq;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Disconnect-Peer: closes links, given as Peer objects (Get-Peer | Disconnect-Peer) or by -Id.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Peer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPeer)]
    [OutputType(typeof(Peer))]
    public sealed class DisconnectPeerCommand : PeerCmdlet
    {
        private const string ByPeer = "Peer";
        private const string ById = "Id";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByPeer)]
        [Alias("Peer")]
        public Peer[] InputObject { get; set; }

        /// <summary>Peer ids (or text peers' addresses); wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(PeerIdCompleter))]
        public string[] Id { get; set; }

        [Parameter(ParameterSetName = ById)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Outputs each closed Peer.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByPeer)
            {
                foreach (Peer peer in InputObject) Close(peer);
                return;
            }
            PeerNode node = ResolveNode(Node);
            Peer[] peers = node.GetPeers();
            foreach (string id in Id)
            {
                Peer[] matches = PeerMatch.ById(peers, id);
                if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(id))
                {
                    WriteError(Error(new ItemNotFoundException("The node " + node.Name + " has no peer with id '" + id + "'. Get-Peer lists them."), "PeerNotFound", ErrorCategory.ObjectNotFound, id));
                }
                foreach (Peer peer in matches) Close(peer);
            }
        }

        private void Close(Peer peer)
        {
            if (peer == null) return;
            if (!ShouldProcess(peer.Name + " " + peer.Address + " on node " + peer.Node, "Disconnect peer")) return;
            if (!peer.LocalNode.Disconnect(peer))
            {
                WriteVerbose("The link to " + peer.Name + " was already closed.");
            }
            if (PassThru) WriteObject(peer);
        }
    }
}
