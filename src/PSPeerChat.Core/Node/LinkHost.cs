using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Crawl;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Joining;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;
using PSPeerChat.Settings;
using PSPeerChat.Stats;
using PSPeerChat.Timing;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// The node as its links see it (<see cref="ILinkHost"/>): it makes links (accepted or dialled), registers them,
    /// hands their frames to the flood receiver and the address exchange, and hears when they close. Every callback
    /// comes from a link's reader and returns without blocking.
    /// </summary>
    internal sealed class LinkHost : ILinkHost
    {
        private readonly PeerNode _node;
        private readonly LinkTable _links;
        private readonly ILinkNetwork _network;
        private readonly FloodReceiver _receiver;
        private readonly Messaging _messaging;
        private readonly Announcer _announcer;
        private readonly AddressExchange _exchange;
        private readonly NodeEvents _events;
        private readonly AddressBook _book;
        private readonly Discouragement _discouraged;
        private readonly DialBackService _dialBacks;
        private readonly HistorySync _history;

        public LinkHost(PeerNode node, LinkTable links, ILinkNetwork network, FloodReceiver receiver, Messaging messaging, Announcer announcer, AddressBook book, AddressExchange exchange, NodeEvents events, HistorySync history)
        {
            _history = history;
            _node = node;
            _links = links;
            _network = network;
            _receiver = receiver;
            _messaging = messaging;
            _announcer = announcer;
            _exchange = exchange;
            _events = events;
            _book = book;
            _discouraged = new Discouragement(node.Clock);
            NoiseKey = NoiseStaticKey.Create(node.Identity);
            Settings = new LinkSettings
            {
                QueueCapacity = node.Options.SendQueueCapacity,
                QueueBytes = node.Options.SendQueueBytes,
                HandshakeTimeout = node.Options.HandshakeTimeout,
                ProtocolDetectTimeout = node.Options.ProtocolDetectTimeout,
                CloseLinger = Tunables.CloseLinger,
                InitialReadBuffer = Tunables.InitialReadBuffer,
                ReadSliceTicks = Tunables.ReadSliceTicks,
                WriteBatchFrames = Tunables.WriteBatchFrames,
                CoalesceLimit = Tunables.CoalesceLimit,
                TextLinesPerSecond = Tunables.TextLinesPerSecond,
                TextLinesBurst = Tunables.TextLinesBurst,
            };
            Reachability = new ReachabilityCheck(() => _links.Registered, node.Stats, node.Clock);
            _dialBacks = new DialBackService((target, expected) => ProbeAsync(target, expected, Tunables.DialBackTimeout), exchange.OnReached, node.Stats, node.Clock);
            Probes = new ProbeRouter(node.Identity, node.Verifier, node.Stats, node.Clock, () => node.Name, () => _links.Registered, () => node.Options.DeclineNetworkProbes);
            Maintenance = new Maintenance(node, links, book, exchange, announcer, (address, stop) => DialAsync(address, PeerProtocol.PeerChat, Tunables.DialTimeout, stop), node.Clock);
        }

        /// <summary>Whether this node's listen address answers from outside: asks neighbours to dial it back (protocol.md §3.11).</summary>
        public ReachabilityCheck Reachability { get; }

        /// <summary>PROBE and REPORT: the network map and the reach test (protocol.md §11).</summary>
        public ProbeRouter Probes { get; }

        /// <summary>The node's maintenance loop: told of links registered and lost.</summary>
        public Maintenance Maintenance { get; }

        public string Name => _node.Name;

        public NodeIdentity Identity => _node.Identity;

        public SignatureVerifier Verifier => _node.Verifier;

        public NodeStats Stats => _node.Stats;

        public TimeProvider Clock => _node.Clock;

        public LinkSettings Settings { get; }

        public NoiseStaticKey NoiseKey { get; }

        public byte[] CreateIntro(ulong linkToken) => IntroFrame.Encode(linkToken, (ushort)_node.Port, _node.Name);

        public string AdmitInbound(Link link, out byte[] alternatives)
        {
            string refusal = _links.AdmitInbound(link, "this node"); // said in the clear: no name (protocol.md §9.5)
            alternatives = refusal == null ? null : _exchange.CreateReply(link, withIds: false);
            return refusal;
        }

        /// <summary>A transport the listener accepted becomes a link (or is closed, when the node is stopping).</summary>
        public void Accept(ILinkTransport transport)
        {
            if (_node.State != PeerNodeState.Running)
            {
                transport.Dispose();
                return;
            }
            if (_discouraged.Contains(transport.RemoteEndPoint?.Address) || _links.RefusalForNewInbound(transport.RemoteEndPoint?.Address) != null)
            {
                // Closed before a byte is read or written: a connection that cannot start costs us nothing more.
                Stats.ConnectionRefused();
                transport.Dispose();
                return;
            }
            if (Adopt(transport, PeerDirection.Inbound, PeerProtocol.PeerChat) == null) transport.Dispose();
        }

        /// <summary>
        /// Dials an address and completes with the link once it is up (after the handshake for PeerChat), or with the link
        /// to the same node that is kept instead. Host names are resolved and each address tried until one answers.
        /// </summary>
        public async Task<Link> DialAsync(string address, PeerProtocol protocol, TimeSpan limit, CancellationToken cancel)
        {
            PeerAddress target = PeerAddress.Parse(address);
            EnsureRunning();
            using (var budget = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            using (ITimer expiry = Clock.CreateTimer(_ => Cancel(budget), null, limit, Timeout.InfiniteTimeSpan))
            {
                IPAddress[] candidates = await ResolveAsync(target, address).ConfigureAwait(false);
                Link existing = FindLinkTo(candidates, target.Port);
                if (existing != null && protocol == existing.Protocol) return existing; // already linked: keep the link, do not churn it

                Exception lastError = null;
                foreach (IPAddress ip in candidates)
                {
                    ILinkTransport transport;
                    try
                    {
                        transport = await _network.ConnectAsync(new IPEndPoint(ip, target.Port), budget.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        cancel.ThrowIfCancellationRequested();
                        throw new PeerConnectException(address, "Could not connect to " + address + ": no answer within " + limit.TotalSeconds + " s. Check the address and that a node listens there.", timedOut: true);
                    }
                    catch (SocketException ex)
                    {
                        lastError = ex;
                        continue;
                    }

                    Link link = Adopt(transport, PeerDirection.Outbound, protocol);
                    if (link == null)
                    {
                        transport.Dispose();
                        throw Stopped();
                    }
                    if (!await CompletesInTime(link.Handshake, budget.Token).ConfigureAwait(false))
                    {
                        link.Close(CloseReason.HandshakeTimeout, "no PeerChat handshake within " + limit.TotalSeconds + " s");
                        cancel.ThrowIfCancellationRequested();
                        throw new PeerConnectException(address, "Could not connect to " + address + ": it accepted the connection but did not complete the PeerChat handshake within " + limit.TotalSeconds + " s. If it is a plain text node, use -Protocol Text.", timedOut: true);
                    }
                    return await link.Handshake.ConfigureAwait(false);
                }

                string why = lastError is SocketException se && se.SocketErrorCode == SocketError.ConnectionRefused
                    ? "the connection was refused. Is a node listening on that port?"
                    : (lastError?.Message ?? "no address to try");
                throw new PeerConnectException(address, "Could not connect to " + address + ": " + why, inner: lastError);
            }
        }

        /// <summary>
        /// A dial-back (protocol.md §3.11): dials <paramref name="target"/> and goes as far as Noise message 2, which
        /// proves who listens there. Reachable when it carries <paramref name="expected"/>; Unreachable when nothing
        /// answers (refused, timed out: the address cannot be reached from here) or something else does; Refused, no
        /// verdict, when a node there turned the probe away before message 2 (CLOSE Full or Shutdown, or the socket closed
        /// at once by its pending or per-address limits): that is no proof either way.
        /// </summary>
        public async Task<DialBackOutcome> ProbeAsync(IPEndPoint target, Id128 expected, TimeSpan limit)
        {
            if (_node.State != PeerNodeState.Running) return DialBackOutcome.Refused;
            using (var budget = new CancellationTokenSource())
            using (ITimer expiry = Clock.CreateTimer(_ => Cancel(budget), null, limit, Timeout.InfiniteTimeSpan))
            {
                ILinkTransport transport;
                try
                {
                    transport = await _network.ConnectAsync(target, budget.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is SocketException || ex is ObjectDisposedException)
                {
                    return DialBackOutcome.Unreachable;
                }
                Link probe = Adopt(transport, PeerDirection.Outbound, PeerProtocol.PeerChat, dialBack: true);
                if (probe == null)
                {
                    transport.Dispose();
                    return DialBackOutcome.Refused;
                }
                bool turnedAway = false;
                try
                {
                    if (await CompletesInTime(probe.Handshake, budget.Token).ConfigureAwait(false)) await probe.Handshake.ConfigureAwait(false);
                }
                catch (PeerConnectException ex)
                {
                    // A PeerChat node there that had no room (Full, its pending or per-address limits close the socket at
                    // once) or was stopping: no proof either way. Silence, garbage or another version: not the asker.
                    turnedAway = ex.Reason == CloseReason.Full || ex.Reason == CloseReason.Shutdown || ex.Reason == CloseReason.ConnectionLost;
                }
                DialBackOutcome outcome = probe.RemoteId == expected ? DialBackOutcome.Reachable
                    : probe.RemoteId == default && turnedAway ? DialBackOutcome.Refused
                    : DialBackOutcome.Unreachable; // nothing answered in time, or another node did
                if (probe.State != PeerState.Closed) probe.Close(CloseReason.DialBack, outcome == DialBackOutcome.Reachable ? "dial-back done" : "no PeerChat handshake within " + limit.TotalSeconds + " s");
                return outcome;
            }
        }

        public LinkRegistration Register(Link link)
        {
            LinkRegistration registration = _links.Register(link, _node.Name, out Link loser);
            if (!registration.IsAccepted) return registration;
            loser?.Close(CloseReason.Duplicate, "another link to " + (link.RemoteName ?? link.Address) + " is kept");
            if (!link.IsText) _announcer.LearnNeighbour(link.RemoteId, link.RemoteName, link.RemoteEncryptionKey);
            Maintenance.OnLinkRegistered(link);
            if (!link.IsText && Reachability.State == PSPeerChat.Reachability.Unknown) Reachability.AskIfDue(Clock.NowMs()); // the first neighbour: ask at once
            _history.OnLinkRegistered(link); // both INTROs seen: ask what this node missed (protocol.md §3.14)
            _events.RaisePeerConnected(_links.ViewOf(link, _node));
            return registration;
        }

        public void OnClosed(Link link)
        {
            if (link.IsMisbehaved)
            {
                // One strike: what it sent no honest node sends. Its address waits, here and in the book (§8.7).
                _discouraged.Add(link.RemoteEndPoint?.Address);
                if (link.ListenEndPoint != null && LinkLimits.IsCapped(link.ListenEndPoint.Address))
                {
                    _book.Discourage(EndPoints.Format(link.ListenEndPoint), link.RemoteId, (long)Tunables.DiscouragementTime.TotalMilliseconds);
                }
            }
            Peer view = _links.ViewOf(link, _node);
            if (!_links.Remove(link)) return;
            Maintenance.OnLinkLost(link);
            _events.RaisePeerDisconnected(view);
        }

        public bool OnFrame(Link link, FrameType type, byte[] buffer, int body, int length)
        {
            switch (type)
            {
                case FrameType.GetAddresses:
                    _exchange.OnRequest(link);
                    return true;
                case FrameType.Addresses:
                    return _exchange.OnAddresses(link, buffer, body, length);
                case FrameType.DialBack:
                    if (!DialBackFrame.TryDecodeRequest(buffer, body, length, out ulong nonce)) return link.Fail("a malformed DIALBACK");
                    _dialBacks.OnRequest(link, nonce);
                    return true;
                case FrameType.DialBackResult:
                    return Reachability.OnResult(link, buffer, body, length);
                case FrameType.HistoryRequest:
                case FrameType.CatchUp:
                case FrameType.HistoryEnd:
                    return _history.OnFrame(link, type, buffer, body, length);
                case FrameType.Probe:
                    return Probes.OnProbe(link, buffer, body, length);
                case FrameType.Report:
                    return Probes.OnReport(link, buffer, body, length);
            }
            FloodDelivery delivery = _receiver.Receive(link, buffer, body, length, _links.Registered, out FloodMessage message, out bool closed);
            switch (delivery)
            {
                case FloodDelivery.Message:
                    _messaging.Deliver(message, link, verified: !message.IsTextOrigin && _node.Options.SignMessages);
                    break;
                case FloodDelivery.Announce:
                    _announcer.OnAnnounce(message);
                    break;
                case FloodDelivery.Direct:
                    _messaging.DeliverDirect(message, link);
                    break;
            }
            return !closed;
        }

        public bool OnTextLine(Link link, byte[] buffer, int start, int length) => _messaging.OnTextLine(link, buffer, start, length);

        /// <summary>A new link, in the table and started; null when the node is stopping.</summary>
        private Link Adopt(ILinkTransport transport, PeerDirection direction, PeerProtocol protocol, bool dialBack = false)
        {
            var link = new Link(this, transport, direction, protocol, dialBack);
            if (!_links.TryAdd(link, new Peer(_node, link))) return null;
            link.Start();
            return link;
        }

        /// <summary>A registered link whose neighbour listens at one of the addresses (or, for text, is there), or null.</summary>
        private Link FindLinkTo(IPAddress[] addresses, int port)
        {
            foreach (Link link in _links.Registered)
            {
                foreach (IPAddress ip in addresses)
                {
                    var endPoint = new IPEndPoint(ip, port);
                    string text = EndPoints.Format(endPoint);
                    if ((link.ListenEndPoint != null && EndPoints.Format(link.ListenEndPoint) == text) || (link.IsText && link.Address == text)) return link;
                }
            }
            return null;
        }

        private void EnsureRunning()
        {
            if (_node.State != PeerNodeState.Running) throw Stopped();
        }

        private InvalidOperationException Stopped() => new InvalidOperationException("The node " + _node.Name + " is stopped. Start a new one with Start-PeerNode.");

        private static void Cancel(CancellationTokenSource budget)
        {
            try
            {
                budget.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the dial ended first
            }
        }

        private static async Task<IPAddress[]> ResolveAsync(PeerAddress target, string original)
        {
            if (IPAddress.TryParse(target.Host, out IPAddress literal)) return new[] { literal };
            try
            {
                IPAddress[] found = await Dns.GetHostAddressesAsync(target.Host).ConfigureAwait(false);
                if (found.Length == 0) throw new PeerConnectException(original, "Could not connect to " + original + ": the name '" + target.Host + "' has no address.");
                return found;
            }
            catch (SocketException ex)
            {
                throw new PeerConnectException(original, "Could not connect to " + original + ": the name '" + target.Host + "' could not be resolved (" + ex.Message + ").", inner: ex);
            }
        }

        private static async Task<bool> CompletesInTime(Task task, CancellationToken budget)
        {
            if (task.IsCompleted) return true;
            var expired = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (budget.Register(() => expired.TrySetResult(true)))
            {
                return await Task.WhenAny(task, expired.Task).ConfigureAwait(false) == task;
            }
        }
    }
}
