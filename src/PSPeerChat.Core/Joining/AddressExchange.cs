using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using PSPeerChat.Flood;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Stats;
using PSPeerChat.Settings;
using PSPeerChat.Timing;
using PSPeerChat.Transport;
using PSPeerChat.Identity;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// GETADDR and ADDR (protocol.md §4.2): asking neighbours for addresses, answering their asks with a random sample
    /// of the book (at most once per 0.8 s per link; never the live neighbour list), and learning the answers into the
    /// address book, only when asked for.
    /// </summary>
    internal sealed class AddressExchange
    {
        private readonly Id128 _self;
        private readonly AddressBook _book;
        private readonly Func<Link[]> _links;
        private readonly NodeStats _stats;
        private readonly TimeProvider _clock;
        private long _lastRefreshMs;

        public AddressExchange(Id128 self, AddressBook book, Func<Link[]> links, NodeStats stats, TimeProvider clock)
        {
            _self = self;
            _book = book;
            _links = links;
            _stats = stats;
            _clock = clock;
        }

        /// <summary>Asks every PeerChat neighbour (short of addresses), or one in turn to keep the book fresh at most every AddressRefreshMs.</summary>
        public void AskIfDue(long now, bool everyNeighbour)
        {
            if (!everyNeighbour && now - _lastRefreshMs <= Tunables.AddressRefreshMs) return;
            Link[] links = _links().Where(l => !l.IsText).ToArray();
            if (links.Length == 0) return;
            _lastRefreshMs = now;
            IEnumerable<Link> asked = everyNeighbour ? links : new[] { links[(int)(now % links.Length)] };
            foreach (Link link in asked) Ask(link, now);
        }

        /// <summary>Sends GETADDR unless this link was asked less than a second ago.</summary>
        public void Ask(Link link, long now)
        {
            if (link.Addresses.TryAsk(now, Tunables.AddressRequestIntervalMs)) link.TryEnqueue(new OutboundFrame(AddressFrame.EncodeRequest(), null), 0);
        }

        /// <summary>
        /// A new PeerChat link: remember where its node listens, when we know it answers there: we dialled it there
        /// (protocol.md §3.11). An inbound link's listen address waits for a dial-back that reaches it (<see cref="OnReached"/>):
        /// a node behind NAT announces a port nobody can dial, and such an address must not be gossiped.
        /// </summary>
        public void OnLinkRegistered(Link link)
        {
            link.Addresses.StopExpecting();
            if (link.IsText || !link.ListensWhereDialled) return;
            _book.Learn(EndPoints.Format(link.ListenEndPoint), link.RemoteId, "Connected", neighbourOfNeighbour: false);
        }

        /// <summary>Our dial-back reached the link's listen address and the node there is the link's node: it goes to the book.</summary>
        public void OnReached(Link link)
        {
            if (link.IsText || link.ListenEndPoint == null) return;
            _book.Learn(EndPoints.Format(link.ListenEndPoint), link.RemoteId, "Connected", neighbourOfNeighbour: false);
        }

        /// <summary>GETADDR: answered with a bounded sample, at most once per AddressReplyIntervalMs per neighbour.</summary>
        public void OnRequest(Link link)
        {
            if (!link.Addresses.TryAnswer(_clock.NowMs(), Tunables.AddressReplyIntervalMs))
            {
                _stats.AddressRequestIgnored();
                return;
            }
            link.TryEnqueue(new OutboundFrame(CreateReply(link), null), 0);
        }

        /// <summary>
        /// An ADDR frame for <paramref name="requester"/>: a random sample of the address book, in which the addresses of
        /// neighbours, past and present, sit among all others and are not flagged; never the requester itself. A node
        /// does not hand out its live neighbour list: that is the map an attacker would need to cut it off (protocol.md §3.6).
        /// Without <paramref name="withIds"/> the records carry no node ids: a full node's refusal travels in the clear (§9.5).
        /// </summary>
        public byte[] CreateReply(Link requester, bool withIds = true)
        {
            string requesterAddress = requester.ListenEndPoint == null ? null : EndPoints.Format(requester.ListenEndPoint);
            var records = new List<AddressRecord>(AddressFrame.RecordsPerReply);
            foreach (Tuple<string, Id128> entry in _book.Sample(AddressFrame.RecordsPerReply, address => address == requesterAddress))
            {
                if ((requester.RemoteId != default && entry.Item2 == requester.RemoteId) || !EndPoints.TryParse(entry.Item1, out IPEndPoint endPoint)) continue;
                records.Add(new AddressRecord(endPoint, withIds ? entry.Item2 : default, isNeighbour: false));
            }
            return AddressFrame.Encode(records);
        }

        /// <summary>
        /// ADDR: learned only in answer to our GETADDR (or a full node's refusal): unasked lists could flood the book with
        /// addresses of an attacker's choice. Never our own id; loopback addresses only from a loopback neighbour;
        /// nothing that cannot be a node (unspecified, multicast, broadcast). False when malformed (the link is closed).
        /// </summary>
        public bool OnAddresses(Link link, byte[] buffer, int body, int length)
        {
            List<AddressRecord> records = AddressFrame.TryDecode(buffer, body, length, out string error);
            if (records == null) return link.Fail(error);
            if (!link.Addresses.TakeExpected())
            {
                if (!link.IsText) link.Addresses.KeepUnasked(records);
                return true;
            }
            Learn(link, records);
            return true;
        }

        /// <summary>
        /// The neighbour let the link go with CLOSE Shed (§4.2): the ADDR it sent just before, kept aside, is learned as
        /// if asked for. One frame per link, and the link is gone: no more than one awaited ADDR would bring.
        /// </summary>
        public void LearnShedAddresses(Link link)
        {
            List<AddressRecord> records = link.Addresses.TakeUnasked();
            if (records != null) Learn(link, records);
        }

        private void Learn(Link link, List<AddressRecord> records)
        {
            bool fromLoopback = link.RemoteEndPoint != null && IPAddress.IsLoopback(EndPoints.Unmap(link.RemoteEndPoint.Address));
            foreach (AddressRecord record in records)
            {
                if (record.NodeId == _self) continue;
                IPAddress ip = EndPoints.Unmap(record.EndPoint.Address);
                if (!IsDialable(ip) || (IPAddress.IsLoopback(ip) && !fromLoopback)) continue;
                _book.Learn(EndPoints.Format(new IPEndPoint(ip, record.EndPoint.Port)), record.NodeId, "Gossip", record.IsNeighbour, link.RemoteEndPoint?.Address);
            }
        }

        private static bool IsDialable(IPAddress ip)
        {
            if (ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6None) || ip.IsIPv6Multicast) return false;
            if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                byte[] b = ip.GetAddressBytes();
                if (b[0] == 0 || b[0] >= 224) return false; // 0.0.0.0/8, multicast, reserved and broadcast
            }
            return true;
        }
    }
}
