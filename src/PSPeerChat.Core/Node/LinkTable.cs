using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using System.Net;
using PSPeerChat.Transport;
using PSPeerChat.Identity;

namespace PSPeerChat
{
    /// <summary>
    /// A node's links: every open one (registered or still in its handshake, so a stop closes them all), the registered
    /// ones by node id and the text ones, and the duplicate-link rule (protocol.md §3.1). One lock guards it all; the
    /// flood path reads <see cref="Registered"/>, a snapshot rebuilt on every change, without it. Each link has one
    /// <see cref="Peer"/>, its public view.
    /// </summary>
    internal sealed class LinkTable
    {
        private readonly object _gate = new object();
        private readonly Dictionary<Link, Peer> _open = new Dictionary<Link, Peer>();
        private readonly Dictionary<Id128, Link> _byNodeId = new Dictionary<Id128, Link>();
        private readonly List<Link> _textLinks = new List<Link>();
        // Inbound PeerChat links whose HELLO was let in and that have not registered yet: they hold a slot meanwhile,
        // so the early check at HELLO (which can still hand the dialler addresses) is the one that refuses.
        private readonly HashSet<Link> _admitted = new HashSet<Link>();
        private readonly Id128 _self;
        private readonly LinkLimits _limits;
        private Link[] _registered = new Link[0];
        private bool _closed;

        public LinkTable(Id128 self, LinkLimits limits)
        {
            _self = self;
            _limits = limits;
        }

        /// <summary>Registered links (PeerChat and text), lock-free.</summary>
        public Link[] Registered => Volatile.Read(ref _registered);

        /// <summary>Registered PeerChat links (text peers hold slots but do not relay).</summary>
        public int ProtocolLinkCount
        {
            get { lock (_gate) return _byNodeId.Count; }
        }

        /// <summary>Registered PeerChat links this node dialled.</summary>
        public int OutboundLinkCount
        {
            get { lock (_gate) return _byNodeId.Values.Count(l => l.Direction == PeerDirection.Outbound); }
        }

        /// <summary>Open links still in their handshake (or protocol detection).</summary>
        public int Handshaking
        {
            get
            {
                lock (_gate) return _open.Keys.Count(l => l.State == PeerState.Handshaking);
            }
        }

        /// <summary>Adds a new link with its view; false once the table is closed (the node is stopping).</summary>
        public bool TryAdd(Link link, Peer view)
        {
            lock (_gate)
            {
                if (_closed) return false;
                _open.Add(link, view);
                return true;
            }
        }

        /// <summary>The one view of an open link; a new one for a link already gone.</summary>
        public Peer ViewOf(Link link, PeerNode node)
        {
            lock (_gate)
            {
                if (_open.TryGetValue(link, out Peer view)) return view;
            }
            return new Peer(node, link);
        }

        /// <summary>Views of the registered links, in the order they connected.</summary>
        public Peer[] Views()
        {
            Link[] links = Registered;
            var views = new List<Peer>(links.Length);
            lock (_gate)
            {
                foreach (Link link in links)
                {
                    if (_open.TryGetValue(link, out Peer view)) views.Add(view);
                }
            }
            return views.OrderBy(p => p.ConnectedAt).ToArray();
        }

        /// <summary>
        /// Null when a new inbound connection from <paramref name="remote"/> may start its handshake, else why not: too many
        /// connections are still in their handshake, or (except loopback) too many links come from that address or network.
        /// </summary>
        public string RefusalForNewInbound(IPAddress remote)
        {
            bool capped = LinkLimits.IsCapped(remote);
            string network = capped ? LinkLimits.NetworkOf(remote) : null;
            IPAddress address = capped ? EndPoints.Unmap(remote) : null;
            int pending = 0, fromAddress = 0, fromNetwork = 0;
            lock (_gate)
            {
                foreach (Link link in _open.Keys)
                {
                    if (link.Direction != PeerDirection.Inbound || link.State == PeerState.Closed) continue;
                    if (link.State == PeerState.Handshaking) pending++;
                    if (!capped || link.RemoteEndPoint == null) continue;
                    IPAddress other = EndPoints.Unmap(link.RemoteEndPoint.Address);
                    if (other.Equals(address)) fromAddress++;
                    if (LinkLimits.NetworkOf(other) == network) fromNetwork++;
                }
            }
            if (pending >= _limits.MaxPending) return pending + " connections are still in their handshake, the most it takes";
            if (fromAddress >= _limits.PerAddress) return fromAddress + " links already come from " + address + ", the most from one address";
            if (fromNetwork >= _limits.PerNetwork) return fromNetwork + " links already come from the network of " + address + ", the most from one network";
            return null;
        }

        /// <summary>
        /// At an inbound link's HELLO: null when it may go on (it then holds a slot until it registers or closes), else
        /// why not; the acceptor refuses it there, with addresses to try instead.
        /// </summary>
        public string AdmitInbound(Link link, string nodeName)
        {
            lock (_gate)
            {
                string full = RefusalWhenFull(link, nodeName);
                if (full == null) _admitted.Add(link);
                return full;
            }
        }

        private string RefusalWhenFull(Link link, string nodeName)
        {
            int admitted = _admitted.Count - (_admitted.Contains(link) ? 1 : 0);
            int total = _byNodeId.Count + admitted;
            if (total >= _limits.MaxPeers) return nodeName + " has " + total + " links, its maximum";
            if (link.Direction == PeerDirection.Inbound)
            {
                int inbound = _byNodeId.Values.Count(l => l.Direction == PeerDirection.Inbound) + admitted;
                if (inbound >= _limits.MaxInbound) return nodeName + " has " + inbound + " inbound links, its maximum (the rest of its " + _limits.MaxPeers + " are kept for its own dials)";
            }
            return null;
        }

        /// <summary>
        /// Registers a link whose handshake finished, or refuses it (stopping, full, or a duplicate that loses).
        /// <paramref name="loser"/> is an existing link the new one replaced: the caller closes it.
        /// </summary>
        public LinkRegistration Register(Link link, string nodeName, out Link loser)
        {
            loser = null;
            lock (_gate)
            {
                if (_closed) return LinkRegistration.Refused(CloseReason.Shutdown, nodeName + " is stopping");
                if (link.IsText)
                {
                    if (_textLinks.Count >= _limits.MaxTextPeers) return LinkRegistration.Refused(CloseReason.Full, nodeName + " has " + _textLinks.Count + " text peers, its maximum");
                    _textLinks.Add(link);
                }
                else if (_byNodeId.TryGetValue(link.RemoteId, out Link existing))
                {
                    if (!Wins(link, existing)) return LinkRegistration.Refused(CloseReason.Duplicate, "already linked to " + (existing.RemoteName ?? existing.Address), existing);
                    loser = existing;
                    _byNodeId[link.RemoteId] = link;
                }
                else
                {
                    string full = RefusalWhenFull(link, nodeName);
                    if (full != null) return LinkRegistration.Refused(CloseReason.Full, full);
                    _byNodeId.Add(link.RemoteId, link);
                }
                _admitted.Remove(link);
                link.MarkConnected();
                Rebuild();
                return LinkRegistration.Accepted;
            }
        }

        /// <summary>Forgets a closed link; true when it was registered (its node lost a neighbour).</summary>
        public bool Remove(Link link)
        {
            lock (_gate)
            {
                _open.Remove(link);
                _admitted.Remove(link);
                bool wasRegistered = false;
                if (link.IsText)
                {
                    wasRegistered = _textLinks.Remove(link);
                }
                else if (_byNodeId.TryGetValue(link.RemoteId, out Link current) && current == link)
                {
                    wasRegistered = _byNodeId.Remove(link.RemoteId);
                }
                if (wasRegistered) Rebuild();
                return wasRegistered;
            }
        }

        /// <summary>Refuses every later link and returns every open one (the node is stopping).</summary>
        public Link[] Close()
        {
            lock (_gate)
            {
                _closed = true;
                return _open.Keys.ToArray();
            }
        }

        public bool IsLinked(Id128 id)
        {
            lock (_gate) return _byNodeId.ContainsKey(id);
        }

        /// <summary>True when a registered link's neighbour listens at <paramref name="address"/> (as EndPoints.Format writes it).</summary>
        public bool IsLinkedAddress(string address)
        {
            foreach (Link link in Registered)
            {
                if (link.ListenEndPoint != null && string.Equals(EndPoints.Format(link.ListenEndPoint), address, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        /// <summary>
        /// The duplicate-link rule (protocol.md §3.1): of two links between the same nodes, keep the one whose
        /// (dialler id, link token) is smaller. Both ends know both values, so both keep the same link.
        /// </summary>
        private bool Wins(Link candidate, Link existing)
        {
            int c = DiallerOf(candidate).CompareTo(DiallerOf(existing));
            if (c != 0) return c < 0;
            return candidate.LinkToken < existing.LinkToken;
        }

        private Id128 DiallerOf(Link link) => link.Direction == PeerDirection.Outbound ? _self : link.RemoteId;

        private void Rebuild()
        {
            var links = new Link[_byNodeId.Count + _textLinks.Count];
            int i = 0;
            foreach (Link l in _byNodeId.Values) links[i++] = l;
            foreach (Link l in _textLinks) links[i++] = l;
            Volatile.Write(ref _registered, links);
        }
    }
}
