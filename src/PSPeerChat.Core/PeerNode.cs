using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.History;
using PSPeerChat.Identity;
using PSPeerChat.Inbox;
using PSPeerChat.Joining;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;
using PSPeerChat.Timing;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// A node of the chat network: listens, dials, floods broadcasts, keeps an inbox. Every node runs the same code;
    /// several may live in one process. This file holds the node's state and wires its parts (the link table, the link
    /// host, messaging, announcements, maintenance); the other PeerNode.*.cs files hold only the API verbs.
    /// </summary>
    public sealed partial class PeerNode : IDisposable
    {
        private readonly ILinkListener _listener;
        private readonly LinkTable _links;
        private readonly LinkHost _host;
        private readonly Messaging _messaging;
        private readonly Announcer _announcer;
        private readonly AddressBook _book;
        private readonly AddressBookStore _bookStore;
        private readonly PeerDirectory _directory;
        private readonly MessageInbox _inbox;
        private readonly NodeEvents _events;
        private readonly LanBeacon _lan;
        private readonly ChannelTable _channels;
        private readonly HistoryStore _history;
        private readonly HistoryKeysStore _historyKeys;
        private Task _acceptLoop = Task.CompletedTask;
        private int _state = (int)PeerNodeState.Running;

        private PeerNode(PeerNodeOptions options, NodeIdentity identity, ILinkNetwork network, ILinkListener listener, string endpoint)
        {
            Options = options;
            Identity = identity;
            Verifier = new SignatureVerifier(identity.Crypto);
            Clock = options.Clock ?? TimeProvider.System;
            _listener = listener;
            Endpoint = endpoint;
            Name = string.IsNullOrEmpty(options.Name) ? DefaultName(Port) : options.Name;
            StartedAt = Clock.GetLocalNow();

            _links = new LinkTable(identity.NodeId, new LinkLimits(options));
            _inbox = new MessageInbox(options.InboxCapacity, options.InboxBytes);
            _directory = new PeerDirectory(options.DirectoryCapacity, options.DirectoryBytes, Clock);
            _events = new NodeEvents(this);
            var seen = new SeenCache(options.SeenCacheCapacity, options.SeenCacheLifetime, Clock.NowMs);
            if (options.HistoryWindow > TimeSpan.Zero) _history = new HistoryStore(options.HistoryWindow, options.HistoryBytes, Tunables.HistoryCapacity, Clock.UnixNowMs);
            var router = new FloodRouter(seen, identity.NodeId, _history);
            var receiver = new FloodReceiver(router, new ReplayWindow(Clock, seen, options.AcceptanceWindow, options.MaxClockSkew, _history), identity, Verifier, Stats, options.SignMessages, options.ProofOfWork);
            _channels = new ChannelTable(options.Channels, StartedAt, Stats, Name);
            _messaging = new Messaging(this, router, _links, _inbox, _directory, Stats, _events, Clock, _channels);
            if (_history != null && options.EffectiveSeenKeysPath != null)
            {
                // A restarted node remembers what it delivered in the window and tells its neighbours (protocol.md §4.4).
                _historyKeys = new HistoryKeysStore(options.EffectiveSeenKeysPath, _history, Clock.UnixNowMs, Tunables.HistorySaveIntervalMs, Clock.NowMs());
                _historyKeys.Load(key => seen.TryAdd(key));
            }
            var sync = new HistorySync(_history, receiver, _messaging, _links, Stats, Clock, options.SignMessages);
            _announcer = new Announcer(this, _messaging, _directory, Clock);
            _book = AddressBookStore.Open(options.EffectiveAddressBookPath, options.AddressBookCapacity, Clock, out _bookStore);
            var exchange = new AddressExchange(identity.NodeId, _book, () => _links.Registered, Stats, Clock);
            _host = new LinkHost(this, _links, network, receiver, _messaging, _announcer, _book, exchange, _events, sync);
            if (options.LanDiscovery) _lan = new LanBeacon(this, _links, _book, Clock);
        }

        /// <summary>The node id: 32 hex digits, unique per node.</summary>
        public string Id => NodeId.ToString();

        /// <summary>The first 8 hex digits of the id, for display beside the name.</summary>
        public string ShortId => Id.Substring(0, 8);

        public string Name { get; }

        /// <summary>The TCP port the node listens on.</summary>
        public int Port => _listener.LocalEndPoint.Port;

        /// <summary>Where the node listens, for example [::]:55555; Connect-Peer accepts it as an address.</summary>
        public string Endpoint { get; }

        public PeerNodeState State => (PeerNodeState)Volatile.Read(ref _state);

        public DateTimeOffset StartedAt { get; }

        /// <summary>
        /// True while the node announces itself on the local network and dials the nodes it hears there (protocol.md §10):
        /// asked for with PeerNodeOptions.LanDiscovery, and a UDP socket on port 55554 could be had.
        /// </summary>
        public bool LanDiscovery => _lan != null && _lan.ChannelCount > 0;

        /// <summary>
        /// The library that signs and verifies for this node (docs/performance.md, "Crypto backend"): "libsodium 1.0.22", or
        /// "BouncyCastle 2.7.0 (libsodium not loaded: ...)" with the reason. Chosen once per process; PSPEERCHAT_CRYPTO forces one.
        /// </summary>
        public string CryptoBackend => ReferenceEquals(Identity.Crypto, Crypto.CryptoBackends.Current) ? Crypto.CryptoBackends.Description : Identity.Crypto.Name;

        internal Id128 NodeId => Identity.NodeId;

        internal NodeIdentity Identity { get; }

        internal SignatureVerifier Verifier { get; }

        internal PeerNodeOptions Options { get; }

        /// <summary>Every counter of the node (the public counter properties read it).</summary>
        internal NodeStats Stats { get; } = new NodeStats();

        /// <summary>Maintenance ticks run so far (tests that advance a fake clock wait for the next).</summary>
        internal long MaintenanceTicks => _host.Maintenance.Ticks;

        /// <summary>Frames waiting in the send queues of the registered links (tests wait for none).</summary>
        internal int QueuedFrames => _links.Registered.Sum(l => l.QueueLength);

        /// <summary>Links still in their handshake (tests wait for none before advancing a fake clock).</summary>
        internal int HandshakesInProgress => _links.Handshaking;

        /// <summary>The node's clock: the system's, or a fake one a test advances (PeerNodeOptions.Clock).</summary>
        internal TimeProvider Clock { get; }

        /// <summary>
        /// Starts a node: binds the listening socket (walking forward from the port when asked, like the article)
        /// and accepts links in the background.
        /// </summary>
        /// <exception cref="PortInUseException">No port could be had.</exception>
        /// <exception cref="ArgumentException">The options are invalid (name too long, bad listen address, a setting that cannot take effect).</exception>
        public static PeerNode Start(PeerNodeOptions options = null)
        {
            options = (options ?? new PeerNodeOptions()).Clone();
            options.Validate();
            NodeIdentity identity = options.Identity
                ?? (string.IsNullOrEmpty(options.IdentityPath) ? NodeIdentity.Create() : IdentityFile.LoadOrCreate(options.IdentityPath, out _));
            ILinkNetwork network = options.Network ?? SocketNetwork.Instance;
            ILinkListener listener = NodeListener.Bind(network, options, out string endpoint);
            PeerNode node;
            try
            {
                node = new PeerNode(options, identity, network, listener, endpoint);
            }
            catch
            {
                listener.Dispose();
                throw;
            }
            node._acceptLoop = node.AcceptLoopAsync();
            node._host.Maintenance.Start();
            node._lan?.Start(options.LanChannels?.Invoke() ?? UdpLanChannel.OpenAll(Tunables.LanPort, Tunables.LanGroupV4, Tunables.LanGroupV6));
            return node;
        }

        /// <summary>
        /// Stops the node: every neighbour gets a CLOSE (shutdown), queued frames are flushed for up to a second,
        /// then every socket is closed and every loop has ended when this returns.
        /// </summary>
        public void Stop()
        {
            if (!BeginStopping(out Link[] links)) return;
            foreach (Link link in links) link.Close(CloseReason.Shutdown, Name + " is stopping");
            Task.WhenAll(links.Select(l => l.WriterCompletion)).Wait(Tunables.StopFlushWait);
            foreach (Link link in links) link.DisposeTransport();
            WaitForLoops(links);
            _bookStore?.TrySave();
            _historyKeys?.TrySave();
        }

        /// <summary>Asks neighbours to dial this node back when a check is due (a maintenance tick; protocol.md §3.11).</summary>
        internal void CheckReachabilityIfDue(long nowMs) => _host.Reachability.AskIfDue(nowMs);

        /// <summary>Saves the address book when a minute has passed since the last save (a maintenance tick).</summary>
        internal void SaveAddressBookIfDue(long nowMs) => _bookStore?.SaveIfDue(nowMs);

        /// <summary>Saves the history's seen keys when a minute has passed since the last save (a maintenance tick).</summary>
        internal void SaveHistoryIfDue(long nowMs) => _historyKeys?.SaveIfDue(nowMs);

        /// <summary>The history store (protocol.md §4.4), or null with HistoryWindow 0.</summary>
        internal HistoryStore History => _history;

        /// <summary>
        /// Kills the node without a goodbye, as if its process died: every socket is reset, no CLOSE is sent,
        /// every loop stops. For failure tests and scripted scenarios; use Stop otherwise.
        /// </summary>
        public void Abort()
        {
            if (!BeginStopping(out Link[] links)) return;
            foreach (Link link in links) link.Abort();
            WaitForLoops(links);
        }

        public void Dispose() => Stop();

        public override string ToString() => Name + " (" + ShortId + ") " + Endpoint;

        /// <summary>Moves a running node to Stopping (once), ends joining and accepting; returns every open link.</summary>
        private bool BeginStopping(out Link[] links)
        {
            links = _links.Close();
            if (Interlocked.CompareExchange(ref _state, (int)PeerNodeState.Stopping, (int)PeerNodeState.Running) != (int)PeerNodeState.Running) return false;
            _host.Maintenance.Stop();
            _lan?.Stop();
            _channels.Clear(); // private channels' keys leave memory with the node
            _listener.Dispose();
            return true;
        }

        /// <summary>Waits (bounded) for every loop of the node to end, then marks it stopped.</summary>
        private void WaitForLoops(Link[] links)
        {
            var loops = links.Select(l => l.Completion).Concat(new[] { _acceptLoop, _host.Maintenance.Completion, _lan?.Completion ?? Task.CompletedTask }).ToArray();
            try
            {
                Task.WaitAll(loops, Tunables.StopLoopWait);
            }
            catch (AggregateException)
            {
                // loops end by failing once their transport is gone; their errors were handled in the loops
            }
            Volatile.Write(ref _state, (int)PeerNodeState.Stopped);
            _inbox.Complete();
            _events.Complete();
        }

        private static string DefaultName(int port)
        {
            string user = Environment.UserName;
            if (string.IsNullOrEmpty(user) || user.Any(char.IsControl)) user = "node";
            if (user.Length > 40) user = user.Substring(0, 40);
            return user + "-" + port;
        }

        private async Task AcceptLoopAsync()
        {
            while (State == PeerNodeState.Running)
            {
                ILinkTransport transport;
                try
                {
                    transport = await _listener.AcceptAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    if (State != PeerNodeState.Running) return;
                    await Clock.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false); // e.g. out of file descriptors: do not spin
                    continue;
                }
                catch (InvalidOperationException)
                {
                    return;
                }
                _host.Accept(transport);
            }
        }
    }
}
