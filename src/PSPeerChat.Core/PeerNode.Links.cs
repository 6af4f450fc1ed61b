using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Links;
using PSPeerChat.Settings;

namespace PSPeerChat
{
    /// <summary>API verbs: links and joining (protocol.md §3, §4.2).</summary>
    public sealed partial class PeerNode
    {
        /// <summary>Neighbours with a finished handshake.</summary>
        public int PeerCount => _links.Registered.Length;

        /// <summary>Links this node keeps by itself (0: automatic dialling is off).</summary>
        public int TargetPeers => Options.TargetPeers;

        /// <summary>The most links this node holds.</summary>
        public int MaxPeers => Options.MaxPeers;

        /// <summary>GETADDR requests not answered because the neighbour asked again too soon.</summary>
        public long AddressRequestsIgnored => Stats.AddressRequestsIgnored;

        /// <summary>
        /// Inbound connections closed as soon as they were accepted: too many still in their handshake, or too many from
        /// one address or network (protocol.md §8.6).
        /// </summary>
        public long ConnectionsRefused => Stats.ConnectionsRefused;

        /// <summary>Links closed because their send queue stayed full for 10 s with nothing written: the neighbour did not read.</summary>
        public long StalledLinksClosed => Stats.StalledLinksClosed;

        /// <summary>Links this node let go above its degree bound, each with addresses to try instead (protocol.md §4.2).</summary>
        public long LinksShed => Stats.LinksShed;

        /// <summary>The node's links, PeerChat and text, in the order they connected.</summary>
        public Peer[] GetPeers() => _links.Views();

        /// <summary>The address book: every node this node has heard of, with failures and backoff.</summary>
        public PeerAddressEntry[] GetAddressBook() => _book.Snapshot(_links.IsLinked, Name).ToArray();

        /// <summary>
        /// Dials an address and completes when the link is up (after the handshake for PeerChat).
        /// Resolves host names and tries each address until one answers or <paramref name="timeout"/> runs out.
        /// </summary>
        /// <exception cref="FormatException">The address cannot be parsed; the message says how to write it.</exception>
        /// <exception cref="PeerConnectException">Refused, unreachable, timed out, or the handshake failed.</exception>
        public async Task<Peer> ConnectAsync(string address, PeerProtocol protocol = PeerProtocol.PeerChat, TimeSpan? timeout = null, CancellationToken cancel = default)
        {
            Link link = await _host.DialAsync(address, protocol, timeout ?? Tunables.ConnectTimeout, cancel).ConfigureAwait(false);
            return _links.ViewOf(link, this);
        }

        /// <summary>Closes a link with reason UserRequest; false when it was not a link of this node or already closed.</summary>
        public bool Disconnect(Peer peer)
        {
            if (peer == null) throw new ArgumentNullException(nameof(peer));
            if (peer.LocalNode != this || peer.State == PeerState.Closed) return false;
            peer.Link.Close(CloseReason.UserRequest, "disconnected by " + Name);
            return true;
        }
    }
}
