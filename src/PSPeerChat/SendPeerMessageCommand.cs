using System;
using System.Globalization;
using System.Management.Automation;
using PSPeerChat.Content;
using PSPeerChat.Protocol;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Send-PeerMessage: broadcasts each text to every node of the network; any other object from the pipeline
    /// (-InputObject) travels as JSON and arrives as a PSCustomObject in PeerMessage.Data (protocol.md §3.13). -Channel
    /// picks the channel of a broadcast (§3.12); -To sends a direct message instead, which has no channel.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "PeerMessage", DefaultParameterSetName = TextSet)]
    [OutputType(typeof(PeerMessage))]
    public sealed class SendPeerMessageCommand : PeerCmdlet
    {
        private PeerNode _node;
        private bool _warnedAlone;

        private const string TextSet = "Text";
        private const string ObjectSet = "Object";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TextSet)]
        [AllowEmptyString]
        [Alias("Message")]
        public string Text { get; set; }

        /// <summary>An object to send as JSON, one message per pipeline object; a string is sent as text.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        [AllowNull]
        public PSObject InputObject { get; set; }

        /// <summary>How many levels of an object are expanded, like ConvertTo-Json -Depth (arrays count as a level).</summary>
        [Parameter(ParameterSetName = ObjectSet)]
        [ValidateRange(0, 31)]
        public int Depth { get; set; } = 4;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Send only to this node (name, id or id prefix from Get-PeerDirectory), end-to-end encrypted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RecipientCompleter))]
        public string To { get; set; }

        /// <summary>Broadcast on this channel ('#' optional; default: the lobby). Sealed when the node joined it with a passphrase.</summary>
        [Parameter]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(ChannelCompleter))]
        public string Channel { get; set; }

        /// <summary>Outputs each message as sent.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            _node = ResolveNode(Node);
            if (Channel != null && ChannelName.Check(ChannelName.Normalize(Channel)) is string bad)
            {
                ThrowTerminatingError(Error(new PSArgumentException("Invalid channel: " + bad + ". Use up to " + ChannelName.MaxBytes + " bytes of visible characters, without spaces or * ? [ ]."), "InvalidChannelName", ErrorCategory.InvalidArgument, Channel));
            }
            if (Channel != null && To != null)
            {
                ThrowTerminatingError(Error(new PSArgumentException("-Channel picks the channel of a broadcast; a direct message (-To) goes to one node and has no channel. Give one of the two."), "ChannelWithRecipient", ErrorCategory.InvalidArgument, Channel));
            }
            string json = null;
            if (ParameterSetName == ObjectSet)
            {
                if (InputObject == null)
                {
                    WriteVerbose("Skipped a null: there is nothing to send.");
                    return;
                }
                if (InputObject.BaseObject is string line) Text = line; // a string from the pipeline is text
                else if ((json = ToJson()) == null) return;
            }
            if (json == null && string.IsNullOrWhiteSpace(Text))
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
                PeerMessage sent = json != null
                    ? (To == null ? _node.BroadcastJson(json, Channel) : _node.SendDirectJson(To, json))
                    : (To == null ? _node.Broadcast(Text, Channel) : _node.SendDirect(To, Text));
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
                if (json != null) WriteError(Error(new PSArgumentException(MessageOf(ex), ex), "ObjectNotSendable", ErrorCategory.InvalidArgument, InputObject));
                else WriteError(Error(new PSArgumentException(MessageOf(ex) + " Split it into shorter messages.", ex), "MessageTooLong", ErrorCategory.InvalidArgument, Text.Length > 40 ? Text.Substring(0, 40) + "..." : Text));
            }
            catch (TimeoutException ex)
            {
                WriteError(Error(ex, "ProofOfWorkTimeout", ErrorCategory.OperationTimeout, json != null ? (object)InputObject : Text.Length > 40 ? Text.Substring(0, 40) + "..." : Text));
            }
            catch (InvalidOperationException ex)
            {
                WriteError(Error(ex, "NodeStopped", ErrorCategory.InvalidOperation, _node));
            }
        }

        /// <summary>
        /// The input object as compact JSON within a message's 64,000 bytes (protocol.md §3.13); null after writing
        /// the error that says how to shrink it (ObjectTooLarge) or what cannot be sent (ObjectNotSendable).
        /// </summary>
        private string ToJson()
        {
            try
            {
                string json = JsonWriter.Write(ObjectToContent.Convert(InputObject, Depth));
                int bytes = Utf8.Strict.GetByteCount(json);
                if (bytes <= ProtocolLimits.MaxTextBytes) return json;
                throw new ObjectTooLargeException("The object is " + bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes as JSON; a message holds at most "
                    + ProtocolLimits.MaxTextBytes.ToString("N0", CultureInfo.InvariantCulture) + ". Send fewer properties (Select-Object Name, Id), a lower -Depth (now " + Depth + "), or fewer items at a time.");
            }
            catch (ObjectTooLargeException ex)
            {
                WriteError(Error(new PSArgumentException(ex.Message, ex), "ObjectTooLarge", ErrorCategory.InvalidArgument, InputObject));
            }
            catch (ArgumentException ex)
            {
                WriteError(Error(new PSArgumentException(MessageOf(ex), ex), "ObjectNotSendable", ErrorCategory.InvalidArgument, InputObject));
            }
            return null;
        }
    }
}
