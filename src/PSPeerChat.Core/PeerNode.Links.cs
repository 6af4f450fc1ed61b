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

        /// <summary>LAN announcements taken: their addresses went into the address book as source Lan (protocol.md §10).</summary>
        public long LanAnnouncementsHeard => Stats.LanAnnouncementsHeard;

        /// <summary>
        /// LAN announcements not taken: malformed, over the rate of all senders or of one source, or with no room among the
        /// candidates or in the address book (protocol.md §10.3). Rising fast, someone on the local network sprays them.
        /// </summary>
        public long LanAnnouncementsDropped => Stats.LanAnnouncementsDropped;
        /// <summary>
        /// Whether this node's listen address answers from outside, as neighbours found by dialling it back (protocol.md
        /// §3.11): Unknown until one could tell; Unreachable behind NAT or a firewall (the node still chats through the
        /// links it dials).
        /// </summary>
        public Reachability Reachability => _host.Reachability.State;

        /// <summary>When the last Reachability verdict was reached (it is checked again every 30 minutes); null before one.</summary>
        public DateTimeOffset? ReachabilityCheckedAt => _host.Reachability.CheckedAt;

        /// <summary>Neighbours' DIALBACK requests this node answered with a verdict (by dialling them back, or from a link it dialled).</summary>
        public long DialBacksDone => Stats.DialBacksDone;

        /// <summary>
        /// Neighbours' DIALBACK requests not dialled: a second within a minute on one link (dropped unanswered), four
        /// dial-backs already under way (answered Refused), or no listen port to dial (protocol.md §3.11).
        /// </summary>
        public long DialBacksRefused => Stats.DialBacksRefused;

        /// <summary>DIALBACK-RESULT answers dropped because this node had not asked that neighbour (or the round was over).</summary>
        public long DialBackAnswersIgnored => Stats.DialBackAnswersIgnored;

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

        /// <summary>
        /// Waits until the node holds at least <paramref name="count"/> links (PeerChat or text, handshake done): true then,
        /// false when <paramref name="timeout"/> passes first (or the node is not running). Right after Start, nothing is linked yet
        /// and a broadcast reaches nobody; a script that waits here first does not lose its first messages.
        /// </summary>
        public async Task<bool> WaitForPeersAsync(int count, TimeSpan timeout, CancellationToken cancel = default)
        {
            if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Wait for at least one link.");
            if (timeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout cannot be negative.");
            var reached = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            EventHandler<PeerEventArgs> connected = (_, e) => { if (PeerCount >= count) reached.TrySetResult(true); };
            PeerConnected += connected;
            try
            {
                if (PeerCount >= count) return true;
                if (State != PeerNodeState.Running) return false;
                using (var expiry = new CancellationTokenSource(timeout))
                using (expiry.Token.Register(() => reached.TrySetResult(PeerCount >= count)))
                using (cancel.Register(() => reached.TrySetCanceled()))
                {
                    return await reached.Task.ConfigureAwait(false);
                }
            }
            finally
            {
                PeerConnected -= connected;
            }
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
