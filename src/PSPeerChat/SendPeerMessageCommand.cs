using System;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Send-PeerMessage: broadcasts each text to every node of the network.</summary>
    [Cmdlet(VerbsCommunications.Send, "PeerMessage", DefaultParameterSetName = BroadcastSet)]
    [OutputType(typeof(PeerMessage))]
    public sealed class SendPeerMessageCommand : PeerCmdlet
    {
        private const string BroadcastSet = "Broadcast";
        private const string DirectSet = "Direct";
        private PeerNode _node;
        private bool _warnedAlone;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        [Alias("Message")]
        public string Text { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Send only to this node (name, id or id prefix from Get-PeerDirectory), end-to-end encrypted.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DirectSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RecipientCompleter))]
        public string To { get; set; }

        /// <summary>Broadcast on this channel ('#' optional; default: the lobby). Sealed when the node joined it with a passphrase.</summary>
        [Parameter(ParameterSetName = BroadcastSet)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(ChannelCompleter))]
        public string Channel { get; set; }

        /// <summary>Outputs each message as sent.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            _node = ResolveNode(Node);
            if (Channel != null && Protocol.ChannelName.Check(Protocol.ChannelName.Normalize(Channel)) is string bad)
            {
                ThrowTerminatingError(Error(new PSArgumentException("Invalid channel: " + bad + ". Use up to " + Protocol.ChannelName.MaxBytes + " bytes of visible characters, without spaces or * ? [ ]."), "InvalidChannelName", ErrorCategory.InvalidArgument, Channel));
            }
            if (string.IsNullOrWhiteSpace(Text))
            {
                WriteVerbose("Skipped an empty line: there is nothing to send."); // Get-Content notes.txt | Send-PeerMessage
                return;
            }
            if (_node.PeerCount == 0 && !_warnedAlone)
            {
                _warnedAlone = true;
                WriteWarning("The node " + _node.Name + " has no peers: nobody receives this. Connect one with Connect-Peer <host:port>.");
            }
            try
            {
                PeerMessage sent = To == null ? _node.Broadcast(Text, Channel) : _node.SendDirect(To, Text);
                if (PassThru) WriteObject(sent);
            }
            catch (AmbiguousRecipientException ex)
            {
                // Not sent: the name or prefix matches several nodes (one of them may be an impostor). The candidates go with the error.
                WriteError(Error(new PSArgumentException(MessageOf(ex), ex), "AmbiguousRecipient", ErrorCategory.InvalidArgument, To));
            }
            catch (ArgumentException ex) when (ex.ParamName == "recipient")
            {
                WriteError(Error(new PSArgumentException(MessageOf(ex), ex), "UnknownRecipient", ErrorCategory.ObjectNotFound, To));
            }
            catch (ArgumentException ex)
            {
                WriteError(Error(new PSArgumentException(MessageOf(ex) + " Split it into shorter messages.", ex), "MessageTooLong", ErrorCategory.InvalidArgument, Text.Length > 40 ? Text.Substring(0, 40) + "..." : Text));
            }
            catch (TimeoutException ex)
            {
                WriteError(Error(ex, "ProofOfWorkTimeout", ErrorCategory.OperationTimeout, Text.Length > 40 ? Text.Substring(0, 40) + "..." : Text));
            }
            catch (InvalidOperationException ex)
            {
                WriteError(Error(ex, "NodeStopped", ErrorCategory.InvalidOperation, _node));
            }
        }
    }
}
