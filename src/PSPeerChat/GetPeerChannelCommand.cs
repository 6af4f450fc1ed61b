using System.Linq;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Get-PeerChannel: the channels a node joined (the lobby is always delivered and not listed).</summary>
    [Cmdlet(VerbsCommon.Get, "PeerChannel")]
    [OutputType(typeof(PeerChannel))]
    public sealed class GetPeerChannelCommand : PeerCmdlet
    {
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Channel names to list; wildcards allowed, a leading '#' ignored.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ChannelCompleter))]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            PeerChannel[] channels = node.GetChannels();
            if (Name != null)
            {
                Protocol.ChannelPattern[] patterns = ParseChannelPatterns(Name);
                channels = channels.Where(c => patterns.Any(p => p.IsMatch(c.Name))).ToArray();
            }
            WriteObject(channels, enumerateCollection: true);
        }
    }
}
