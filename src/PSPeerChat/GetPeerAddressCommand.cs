using System.Linq;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Get-PeerAddress: the node's address book (every node it has heard of, with failures and backoff).</summary>
    [Cmdlet(VerbsCommon.Get, "PeerAddress")]
    [OutputType(typeof(PeerAddressEntry))]
    public sealed class GetPeerAddressCommand : PeerCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            WriteObject(node.GetAddressBook(), enumerateCollection: true);
        }
    }
}
