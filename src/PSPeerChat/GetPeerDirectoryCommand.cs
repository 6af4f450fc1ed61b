using System.Linq;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Get-PeerDirectory: the nodes this node has heard announce themselves, with their fingerprints.</summary>
    [Cmdlet(VerbsCommon.Get, "PeerDirectory")]
    [OutputType(typeof(PeerDirectoryEntry))]
    public sealed class GetPeerDirectoryCommand : PeerCmdlet
    {
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Names or ids to list; wildcards allowed.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            PeerDirectoryEntry[] entries = node.GetDirectory();
            if (Name != null)
            {
                WildcardPattern[] patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
                entries = entries.Where(e => patterns.Any(p => p.IsMatch(e.Name) || p.IsMatch(e.Id))).ToArray();
            }
            WriteObject(entries, enumerateCollection: true);
        }
    }
}
