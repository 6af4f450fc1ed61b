using System;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Start-PeerNode: makes this session a node of the chat network.</summary>
    [Cmdlet(VerbsLifecycle.Start, "PeerNode")]
    [OutputType(typeof(PeerNode))]
    public sealed class StartPeerNodeCommand : PeerCmdlet
    {
        private readonly System.Threading.CancellationTokenSource _stop = new System.Threading.CancellationTokenSource();

        /// <summary>Display name; defaults to user-port. Unique within the session.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>Port to listen on. Default 55555, walking forward while taken; an explicit busy port is an error; 0 = any free port.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; } = PeerNodeOptions.DefaultPort;

        /// <summary>IP address to listen on; default :: (all interfaces, IPv6 and IPv4).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ListenAddress { get; set; }

        /// <summary>Messages kept for Receive-PeerMessage before the oldest are dropped (counted in InboxDropped).</summary>
        [Parameter]
        [ValidateRange(1, 10000000)]
        public int InboxCapacity { get; set; } = 10000;

        /// <summary>Bytes the waiting messages may hold at most before the oldest are dropped (counted in InboxDropped).</summary>
        [Parameter]
        [ValidateRange(1024L, 1L << 40)]
        public long InboxBytes { get; set; } = 32L * 1024 * 1024;

        /// <summary>How many links the messages of this node may travel.</summary>
        [Parameter]
        [ValidateRange(1, 255)]
        public int HopLimit { get; set; } = Protocol.ProtocolLimits.DefaultHopLimit;

        /// <summary>Addresses (host:port) of any members of the network to join through.</summary>
        [Parameter]
        [Alias("Peer")]
        [ValidateNotNullOrEmpty]
        public string[] Bootstrap { get; set; }

        /// <summary>Links the node keeps by dialling addresses it learned; 0 turns automatic dialling off (fixed topologies).</summary>
        [Parameter]
        [ValidateRange(0, 1024)]
        public int TargetPeers { get; set; } = 5;

        /// <summary>The most PeerChat links the node holds; beyond it, joiners are refused politely and handed other addresses.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int MaxPeers { get; set; } = 32;

        /// <summary>The most plain text peers (the article's node, nc) the node holds, apart from MaxPeers.</summary>
        [Parameter]
        [ValidateRange(0, 1024)]
        public int MaxTextPeers { get; set; } = 8;

        /// <summary>The most inbound connections still in their handshake; further ones are closed at once.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int MaxPendingLinks { get; set; } = 16;

        /// <summary>
        /// Proof of work in hashes per byte (0, the default: off): every message this node sends costs it on average
        /// ProofOfWork x (frame bytes + 1000) SHA-256 hashes, and it drops every message that carries less.
        /// </summary>
        [Parameter]
        [ValidateRange(0, Protocol.ProofOfWork.MaxDifficulty)]
        public int ProofOfWork { get; set; }

        /// <summary>
        /// Sends direct messages exactly as long as their text needs, instead of padding them to 256, 512, 1024 or 2048
        /// bytes (or a multiple of 2048): saves bytes, but shows the length of each direct message on every link it crosses.
        /// </summary>
        [Parameter]
        public SwitchParameter NoDirectPadding { get; set; }

        /// <summary>Identity file to load (or create, owner-only, when missing): the node keeps its id across restarts.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IdentityPath { get; set; }

        /// <summary>Where the address book is kept across restarts; by default beside the identity file, if there is one.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string AddressBookPath { get; set; }

        /// <summary>
        /// How far back the node keeps what it accepted, to hand to neighbours that missed it when a link comes up (by
        /// default 30 minutes; 0 turns history off). Messages older than this are never caught up.
        /// </summary>
        [Parameter]
        public TimeSpan HistoryWindow { get; set; } = TimeSpan.FromMinutes(30);

        /// <summary>The most bytes the history may hold (by default 16 MiB); the oldest messages go first.</summary>
        [Parameter]
        public long HistoryBytes { get; set; } = 16L * 1024 * 1024;

        /// <summary>Waits until the node has a link before it is output (see Wait-PeerNode).</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Seconds -Wait waits at most.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 10;

        /// <summary>
        /// Announces the node on the local network (UDP multicast, port 55554, never beyond the local link) and dials the
        /// nodes heard there, so nodes of one LAN find each other with no address typed. Off unless asked for: a node
        /// started by a script joins only the network it is given. The chat of build.ps1 -Task Chat turns it on.
        /// </summary>
        [Parameter]
        public SwitchParameter LanDiscovery { get; set; }

        /// <summary>
        /// The channels the node delivers besides the lobby: names (joined at the start) and patterns (* ? [ ]). Default
        /// '*', every public channel. Every node relays every channel whatever this says.
        /// </summary>
        [Parameter]
        [SupportsWildcards]
        public string[] Channel { get; set; }

        /// <summary>
        /// Answers Get-PeerNetwork's probes without telling this node's links (the map shows it as declined). Reach tests
        /// (Test-PeerNetwork) still get a receipt.
        /// </summary>
        [Parameter]
        public SwitchParameter DeclineNetworkProbes { get; set; }

        protected override void ProcessRecord()
        {
            if (Name != null && NodeRegistry.Find(Name) != null)
            {
                ThrowTerminatingError(Error(new PSArgumentException("A node named '" + Name + "' already runs in this session. Choose another -Name, or stop it with Stop-PeerNode " + Name + "."), "NodeNameInUse", ErrorCategory.ResourceExists, Name));
            }
            var options = new PeerNodeOptions
            {
                Name = Name,
                Port = Port,
                FallForward = !MyInvocation.BoundParameters.ContainsKey(nameof(Port)),
                ListenAddress = ListenAddress,
                InboxCapacity = InboxCapacity,
                InboxBytes = InboxBytes,
                HopLimit = (byte)HopLimit,
                Bootstrap = Bootstrap ?? new string[0],
                TargetPeers = TargetPeers,
                MaxPeers = MaxPeers,
                MaxTextPeers = MaxTextPeers,
                MaxPendingLinks = MaxPendingLinks,
                ProofOfWork = ProofOfWork,
                PadDirectMessages = !NoDirectPadding,
                LanDiscovery = LanDiscovery,
                Channels = Channel ?? new[] { "*" },
                HistoryWindow = HistoryWindow,
                HistoryBytes = HistoryBytes,
                DeclineNetworkProbes = DeclineNetworkProbes,
                IdentityPath = IdentityPath == null ? null : GetUnresolvedProviderPathFromPSPath(IdentityPath),
                AddressBookPath = AddressBookPath == null ? null : GetUnresolvedProviderPathFromPSPath(AddressBookPath),
            };

            PeerNode node = null;
            try
            {
                node = PeerNode.Start(options);
            }
            catch (PortInUseException ex)
            {
                ThrowTerminatingError(Error(ex, "PortInUse", ErrorCategory.ResourceUnavailable, Port));
            }
            catch (ArgumentException ex) when (ex.ParamName == nameof(PeerNodeOptions.Channels))
            {
                ThrowTerminatingError(Error(new PSArgumentException(MessageOf(ex), ex), "InvalidChannelName", ErrorCategory.InvalidArgument, Channel));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(Error(new PSArgumentException(MessageOf(ex), ex), "InvalidNodeOption", ErrorCategory.InvalidArgument, null));
            }
            catch (System.IO.InvalidDataException ex)
            {
                ThrowTerminatingError(Error(ex, "IdentityInvalid", ErrorCategory.InvalidData, IdentityPath));
            }
            catch (System.Exception ex) when (ex is System.IO.IOException || ex is System.UnauthorizedAccessException)
            {
                ThrowTerminatingError(Error(ex, "IdentityUnreadable", ErrorCategory.ReadError, IdentityPath));
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                ThrowTerminatingError(Error(ex, "ListenFailed", ErrorCategory.ResourceUnavailable, ListenAddress));
            }

            if (!NodeRegistry.TryAdd(node))
            {
                node.Stop();
                ThrowTerminatingError(Error(new PSArgumentException("A node named '" + node.Name + "' already runs in this session. Choose another -Name."), "NodeNameInUse", ErrorCategory.ResourceExists, node.Name));
            }
            if (LanDiscovery && !node.LanDiscovery)
            {
                WriteWarning("LAN discovery is off for " + node.Name + ": no UDP socket could be opened on port 55554 for IPv4 or IPv6. The node runs; give it addresses with -Bootstrap or Connect-Peer.");
            }
            WriteVerbose("Node " + node.Name + " (" + node.Id + ") listens at " + node.Endpoint + (node.LanDiscovery ? " and announces itself on the local network." : "."));
            // The node is started either way; a timeout is reported as an error, and the node still goes out.
            if (Wait) WaitPeerNodeCommand.Wait(this, node, 1, TimeoutSec, _stop.Token);
            WriteObject(node);
        }

        protected override void StopProcessing() => _stop.Cancel();
    }
}
