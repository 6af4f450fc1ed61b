using System.Linq;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Get-PeerNode: the nodes running in this session, the default first.</summary>
    [Cmdlet(VerbsCommon.Get, "PeerNode")]
    [OutputType(typeof(PeerNode))]
    public sealed class GetPeerNodeCommand : PeerCmdlet
    {
        /// <summary>Node names; wildcards allowed.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode[] nodes = NodeRegistry.All.Where(n => n.State == PeerNodeState.Running).ToArray();
            if (Name == null)
            {
                WriteObject(nodes, enumerateCollection: true);
                return;
            }
            foreach (string name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                PeerNode[] matches = nodes.Where(n => pattern.IsMatch(n.Name)).ToArray();
                if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(Error(new ItemNotFoundException("No running node named '" + name + "' in this session."), "NodeNotFound", ErrorCategory.ObjectNotFound, name));
                }
                WriteObject(matches, enumerateCollection: true);
            }
        }
    }
}
