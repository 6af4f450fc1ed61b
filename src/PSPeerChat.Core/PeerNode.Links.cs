using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>Links: dialling, accepting, the link table and the duplicate-link rule (protocol.md §3.1).</summary>
    public sealed partial class PeerNode
    {
        // Every open socket, registered or still in its handshake: Stop closes them all.
        private readonly HashSet<PeerConnection> _connections = new HashSet<PeerConnection>();
        private readonly Dictionary<Id128, PeerConnection> _byNodeId = new Dictionary<Id128, PeerConnection>();
        private readonly List<PeerConnection> _textLinks = new List<PeerConnection>();

        // Registered links, rebuilt on every change so the flood path reads it without a lock.
        private IFloodLink[] _links = new IFloodLink[0];

        /// <summary>Neighbours with a finished handshake.</summary>
        public int PeerCount => Volatile.Read(ref _links).Length;

        /// <summary>The node's links, PeerChat and text, in the order they connected.</summary>
        public Peer[] GetPeers()
        {
            return Volatile.Read(ref _links).Cast<PeerConnection>().Select(c => c.Peer).OrderBy(p => p.ConnectedAt).ToArray();
        }

        /// <summary>
        /// Dials an address and completes when the link is up (after the HELLO exchange for PeerChat).
        /// Resolves host names and tries each address until one answers or <paramref name="timeout"/> runs out.
        /// </summary>
        /// <exception cref="FormatException">The address cannot be parsed; the message says how to write it.</exception>
        /// <exception cref="PeerConnectException">Refused, unreachable, timed out, or the handshake failed.</exception>
        public async Task<Peer> ConnectAsync(string address, PeerProtocol protocol = PeerProtocol.PeerChat, TimeSpan? timeout = null, CancellationToken cancel = default)
        {
            PeerAddress target = PeerAddress.Parse(address);
            EnsureRunning();
            TimeSpan limit = timeout ?? TimeSpan.FromSeconds(10);
            using (var budget = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                budget.CancelAfter(limit);
                IPAddress[] candidates = await ResolveAsync(target, address).ConfigureAwait(false);
                Peer existing = FindLinkTo(candidates, target.Port);
                if (existing != null && protocol == existing.Protocol) return existing; // already linked: keep the link, do not churn it

                Exception lastError = null;
                foreach (IPAddress ip in candidates)
                {
                    var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    try
                    {
                        Task connect = socket.ConnectAsync(new IPEndPoint(ip, target.Port));
                        if (!await CompletesInTime(connect, budget.Token).ConfigureAwait(false))
                        {
                            socket.Dispose();
                            Observe(connect);
                            cancel.ThrowIfCancellationRequested();
                            throw new PeerConnectException(address, "Could not connect to " + address + ": no answer within " + limit.TotalSeconds + " s. Check the address and that a node listens there.", timedOut: true);
                        }
                        await connect.ConfigureAwait(false);
                    }
                    catch (SocketException ex)
                    {
                        socket.Dispose();
                        lastError = ex;
                        continue;
                    }

                    PeerConnection link = Adopt(socket, PeerDirection.Outbound, protocol);
                    if (!await CompletesInTime(link.Handshake, budget.Token).ConfigureAwait(false))
                    {
                        link.Close(CloseReason.HandshakeTimeout, "no HELLO within " + limit.TotalSeconds + " s");
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

        /// <summary>Closes a link with reason UserRequest; false when it was not a link of this node or already closed.</summary>
        public bool Disconnect(Peer peer)
        {
            if (peer == null) throw new ArgumentNullException(nameof(peer));
            PeerConnection link = peer.Connection;
            if (link == null || peer.LocalNode != this || peer.State == PeerState.Closed) return false;
            link.Close(CloseReason.UserRequest, "disconnected by " + Name);
            return true;
        }

        /// <summary>A registered PeerChat link whose neighbour listens at one of the addresses, or null.</summary>
        private Peer FindLinkTo(IPAddress[] addresses, int port)
        {
            foreach (Peer peer in GetPeers())
            {
                foreach (IPAddress ip in addresses)
                {
                    string endpoint = PeerConnection.FormatEndPoint(new IPEndPoint(ip, port));
                    if (peer.ListenAddress == endpoint || (peer.Protocol == PeerProtocol.Text && peer.Address == endpoint)) return peer;
                }
            }
            return null;
        }

        internal byte[] CreateHello(ulong linkToken, byte[] nonce) => HelloFrame.Encode(Identity, linkToken, (ushort)Port, Name, nonce);

        /// <summary>False when the node holds MaxPeers links: a joiner is refused politely (protocol.md §4.2).</summary>
        internal bool HasRoomForLink => Volatile.Read(ref _links).Length < Options.MaxPeers;

        internal void AdoptInbound(Socket socket)
        {
            if (State != PeerNodeState.Running)
            {
                socket.Dispose();
                return;
            }
            Adopt(socket, PeerDirection.Inbound, PeerProtocol.PeerChat);
        }

        private PeerConnection Adopt(Socket socket, PeerDirection direction, PeerProtocol protocol)
        {
            var link = new PeerConnection(this, socket, direction, protocol, Options.SendQueueCapacity);
            lock (_gate)
            {
                if (State != PeerNodeState.Running)
                {
                    link.DisposeSocket();
                    throw new InvalidOperationException("The node " + Name + " is stopped.");
                }
                _connections.Add(link);
            }
            link.Start();
            return link;
        }

        /// <summary>
        /// Adds a link whose handshake finished. False when it must go (the node is full or stopping, or a link to the
        /// same node wins by the duplicate rule): the caller closes it with <paramref name="refusal"/>, and
        /// <paramref name="kept"/> is the winning link, if any.
        /// </summary>
        internal bool TryRegister(PeerConnection link, out PeerConnection kept, out CloseReason refusal, out string detail)
        {
            kept = null;
            PeerConnection loser = null;
            refusal = CloseReason.None;
            detail = null;
            lock (_gate)
            {
                if (State != PeerNodeState.Running)
                {
                    refusal = CloseReason.Shutdown;
                    detail = Name + " is stopping";
                }
                else if (!link.IsText && _byNodeId.TryGetValue(link.RemoteId, out PeerConnection existing))
                {
                    if (Wins(link, existing))
                    {
                        loser = existing;
                        _byNodeId[link.RemoteId] = link;
                    }
                    else
                    {
                        kept = existing;
                        refusal = CloseReason.Duplicate;
                        detail = "already linked to " + existing.Peer.Name;
                    }
                }
                else if (_links.Length >= Options.MaxPeers)
                {
                    refusal = CloseReason.Full;
                    detail = Name + " has " + _links.Length + " links, its maximum";
                }
                else if (link.IsText)
                {
                    _textLinks.Add(link);
                }
                else
                {
                    _byNodeId.Add(link.RemoteId, link);
                }

                if (refusal == CloseReason.None)
                {
                    link.Peer.ConnectedAt = DateTimeOffset.Now;
                    link.Peer.MarkConnected();
                    RebuildLinks();
                }
            }

            if (refusal != CloseReason.None) return false;
            loser?.Close(CloseReason.Duplicate, "another link to " + link.Peer.Name + " is kept");
            OnLinkRegistered(link);
            RaisePeerConnected(link.Peer);
            return true;
        }

        internal void OnLinkClosed(PeerConnection link)
        {
            bool wasRegistered = false;
            lock (_gate)
            {
                _connections.Remove(link);
                if (link.IsText)
                {
                    wasRegistered = _textLinks.Remove(link);
                }
                else if (_byNodeId.TryGetValue(link.RemoteId, out PeerConnection current) && current == link)
                {
                    wasRegistered = _byNodeId.Remove(link.RemoteId);
                }
                if (wasRegistered) RebuildLinks();
            }
            if (wasRegistered)
            {
                OnLinkLost(link);
                RaisePeerDisconnected(link.Peer);
            }
        }

        /// <summary>
        /// The duplicate-link rule (protocol.md §3.1): of two links between the same nodes, keep the one whose
        /// (dialler id, link token) is smaller. Both ends know both values, so both keep the same link.
        /// </summary>
        private bool Wins(PeerConnection candidate, PeerConnection existing)
        {
            int c = DiallerOf(candidate).CompareTo(DiallerOf(existing));
            if (c != 0) return c < 0;
            return candidate.LinkToken < existing.LinkToken;
        }

        private Id128 DiallerOf(PeerConnection link) => link.Peer.Direction == PeerDirection.Outbound ? NodeId : link.RemoteId;

        private void RebuildLinks()
        {
            var links = new IFloodLink[_byNodeId.Count + _textLinks.Count];
            int i = 0;
            foreach (PeerConnection c in _byNodeId.Values) links[i++] = c;
            foreach (PeerConnection c in _textLinks) links[i++] = c;
            Volatile.Write(ref _links, links);
        }

        private void EnsureRunning()
        {
            if (State != PeerNodeState.Running) throw new InvalidOperationException("The node " + Name + " is stopped. Start a new one with Start-PeerNode.");
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

        private static void Observe(Task task) => task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }
}
