using System.Linq;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Get-Peer: the links of a node, with live counters.</summary>
    [Cmdlet(VerbsCommon.Get, "Peer")]
    [OutputType(typeof(Peer))]
    public sealed class GetPeerCommand : PeerCmdlet
    {
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Peer ids (or text peers' addresses); wildcards allowed.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(PeerIdCompleter))]
        public string[] Id { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            Peer[] peers = node.GetPeers();
            if (Id == null)
            {
                WriteObject(peers, enumerateCollection: true);
                return;
            }
            foreach (string id in Id)
            {
                Peer[] matches = PeerMatch.ById(peers, id);
                if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(id))
                {
                    WriteError(Error(new ItemNotFoundException("The node " + node.Name + " has no peer with id '" + id + "'."), "PeerNotFound", ErrorCategory.ObjectNotFound, id));
                }
                WriteObject(matches, enumerateCollection: true);
            }
        }
    }
}
