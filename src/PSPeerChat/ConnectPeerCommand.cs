using System;
using System.Management.Automation;
using System.Threading;

namespace PSPeerChat.Commands
{
    /// <summary>Connect-Peer: dials another node (or a plain text node) and returns the link once it is up.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Peer")]
    [OutputType(typeof(Peer))]
    public sealed class ConnectPeerCommand : PeerCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        /// <summary>host:port, [v6]:port, [::]:port (this machine), or a PeerNode's Endpoint from the pipeline.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Endpoint", "ListenAddress")]
        [ValidateNotNullOrEmpty]
        public string[] Address { get; set; }

        [Parameter]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>PeerChat (default) or Text for the article's plain protocol (its Go node, nc -l).</summary>
        [Parameter]
        public PeerProtocol Protocol { get; set; } = PeerProtocol.PeerChat;

        /// <summary>Seconds to wait for the connection and handshake.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 10;

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            foreach (string address in Address)
            {
                try
                {
                    Peer peer = node.ConnectAsync(address, Protocol, TimeSpan.FromSeconds(TimeoutSec), _stop.Token).GetAwaiter().GetResult();
                    WriteObject(peer);
                }
                catch (FormatException ex)
                {
                    WriteError(Error(new PSArgumentException(ex.Message, ex), "InvalidAddress", ErrorCategory.InvalidArgument, address));
                }
                catch (PeerConnectException ex)
                {
                    WriteError(Error(ex, "ConnectFailed", ErrorCategory.ConnectionError, address));
                }
                catch (OperationCanceledException)
                {
                    return; // Ctrl+C
                }
                catch (InvalidOperationException ex)
                {
                    WriteError(Error(ex, "NodeStopped", ErrorCategory.InvalidOperation, node));
                }
            }
        }

        protected override void StopProcessing() => _stop.Cancel();
    }
}
