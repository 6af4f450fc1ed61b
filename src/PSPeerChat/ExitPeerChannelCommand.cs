using System;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Exit-PeerChannel: the node leaves a channel it joined (and forgets a private channel's key).</summary>
    [Cmdlet(VerbsCommon.Exit, "PeerChannel")]
    [OutputType(typeof(void))]
    public sealed class ExitPeerChannelCommand : PeerCmdlet
    {
        /// <summary>The channel, with or without its '#'.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Channel")]
        [ArgumentCompleter(typeof(ChannelCompleter))]
        public string Name { get; set; }

        [Parameter]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            try
            {
                if (node.LeaveChannel(Name)) return;
                WriteError(Error(new PSArgumentException("The node " + node.Name + " has not joined #" + Protocol.ChannelName.Normalize(Name) + ". Get-PeerChannel lists the channels it joined."), "ChannelNotJoined", ErrorCategory.ObjectNotFound, Name));
            }
            catch (ArgumentException ex)
            {
                WriteError(Error(new PSArgumentException(MessageOf(ex), ex), "InvalidChannelName", ErrorCategory.InvalidArgument, Name));
            }
        }
    }
}
