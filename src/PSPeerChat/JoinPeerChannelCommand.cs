using System;
using System.Management.Automation;
using System.Net;
using System.Security;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Join-PeerChannel: the node delivers the channel's messages; with -Passphrase the channel is private: what the node
    /// sends there is sealed with a key derived from the passphrase, and it shows only messages sealed with the same key.
    /// </summary>
    [Cmdlet(VerbsCommon.Join, "PeerChannel")]
    [OutputType(typeof(PeerChannel))]
    public sealed class JoinPeerChannelCommand : PeerCmdlet
    {
        /// <summary>The channel, with or without its '#'.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Channel")]
        public string Name { get; set; }

        /// <summary>Makes the channel private: its messages are sealed with a key derived from this passphrase (Argon2id).</summary>
        [Parameter(Position = 1)]
        public SecureString Passphrase { get; set; }

        [Parameter]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            string passphrase = Passphrase == null ? null : new NetworkCredential(string.Empty, Passphrase).Password;
            if (Passphrase != null && string.IsNullOrEmpty(passphrase))
            {
                WriteError(Error(new PSArgumentException("The passphrase is empty. Give a long passphrase, or none for a public channel."), "EmptyPassphrase", ErrorCategory.InvalidArgument, Name));
                return;
            }
            try
            {
                if (passphrase != null) WriteVerbose("Deriving the key of #" + Protocol.ChannelName.Normalize(Name) + " (Argon2id, 64 MiB; about a second)...");
                WriteObject(node.JoinChannel(Name, passphrase));
            }
            catch (ArgumentException ex)
            {
                WriteError(Error(new PSArgumentException(MessageOf(ex), ex), "InvalidChannelName", ErrorCategory.InvalidArgument, Name));
            }
            catch (InvalidOperationException ex) when (node.State != PeerNodeState.Running)
            {
                WriteError(Error(ex, "NodeStopped", ErrorCategory.InvalidOperation, node));
            }
            catch (InvalidOperationException ex)
            {
                WriteError(Error(ex, "TooManyChannels", ErrorCategory.LimitsExceeded, Name));
            }
        }
    }
}
