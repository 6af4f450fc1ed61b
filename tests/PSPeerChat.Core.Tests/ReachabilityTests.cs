using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Reachability by dial-back (protocol.md §3.11) on the in-memory network: a node learns whether its listen address
    /// answers; an address nobody could dial is never put into a neighbour's book or ADDR; a neighbour's DIALBACK costs
    /// at most the budget of dials, and only ever to that neighbour's own address.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class ReachabilityTests
    {
        private static readonly IPAddress RouterPublic = IPAddress.Parse("198.51.100.7");
        private static readonly IPAddress Hostile = IPAddress.Parse("203.0.113.5");

        [Fact]
        public async Task A_node_its_neighbour_can_dial_back_becomes_Reachable_and_only_then_goes_into_the_neighbours_book()
        {
            using var net = new MemoryTestNetwork();
            PeerNode entry = net.Start("entry");
            PeerNode joiner = net.Start("joiner");
            Assert.Equal(Reachability.Unknown, joiner.Reachability);

            await net.LinkAsync(joiner, entry);

            // The joiner asked the entry node, which dialled it back (the link came in); the entry node asked the joiner,
            // which had dialled it there and so answered from the link it holds, without a dial.
            await Eventually.UntilAsync(() => joiner.Reachability == Reachability.Reachable && entry.Reachability == Reachability.Reachable, TestNetwork.Wait, "both nodes are Reachable",
                () => joiner.Reachability + "/" + entry.Reachability);
            Assert.NotNull(joiner.ReachabilityCheckedAt);
            Assert.Equal(1, entry.DialBacksDone);
            Assert.Equal(1, joiner.DialBacksDone);
            Assert.Equal(0, entry.DialBacksRefused + joiner.DialBacksRefused + entry.DialBackAnswersIgnored + joiner.DialBackAnswersIgnored);

            // The dial-back reached the joiner: its address is in the entry node's book, proven ("Connected").
            PeerAddressEntry known = Assert.Single(entry.GetAddressBook(), e => e.NodeId == joiner.Id);
            Assert.Equal(MemoryTestNetwork.AddressOf(joiner), known.Address);
            Assert.Equal("Connected", known.Source);

            // The probe was no link: one link each way, nothing refused, nothing closed.
            await net.QuietAsync();
            Assert.Single(joiner.GetPeers());
            Assert.Single(entry.GetPeers());
            Assert.Equal(0, entry.ConnectionsRefused + joiner.ConnectionsRefused + entry.InvalidFrames + joiner.InvalidFrames);
        }

        [Fact]
        public async Task A_node_too_full_to_take_the_dial_back_is_not_called_Unreachable()
        {
            using var net = new MemoryTestNetwork();
            PeerNode entry = net.Start("entry");
            PeerNode full = net.Start("full", o => { o.MaxPeers = 1; o.TargetPeers = 0; });

            await net.LinkAsync(full, entry); // its one slot is taken: the dial-back gets CLOSE Full at its HELLO

            await Eventually.UntilAsync(() => entry.DialBacksDone == 1, TestNetwork.Wait, "the entry node dialled the full node back");
            await net.TickAsync(35, settle: false); // past the 30 s the asker waits for answers
            Assert.Equal(Reachability.Unknown, full.Reachability); // a refusal proves nothing either way
            Assert.Single(full.GetPeers());
        }

        [Fact]
        public async Task A_node_behind_NAT_becomes_Unreachable_chats_through_its_links_and_its_address_is_never_gossiped()
        {
            using var net = new MemoryTestNetwork();
            PeerNode entry = net.Start("entry");
            PeerNode other = net.Start("other");
            PeerNode natted = net.Start("natted", o =>
            {
                o.ListenAddress = "10.0.0.2";
                o.Network = new NattedNetwork(net.Network, RouterPublic);
            });
            await net.LinkAsync(other, entry);
            await natted.ConnectAsync(MemoryTestNetwork.AddressOf(entry), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            await Eventually.UntilAsync(() => TestNetwork.HasPeer(entry, natted), TestNetwork.Wait, "the entry node lists the NATed node");

            await Eventually.UntilAsync(() => natted.Reachability == Reachability.Unreachable && other.Reachability == Reachability.Reachable, TestNetwork.Wait,
                "the NATed node is Unreachable, the other Reachable", () => natted.Reachability + "/" + other.Reachability);
            Assert.Equal(2, entry.DialBacksDone); // one for each node that dialled it

            // It still chats, through the link it dialled.
            natted.Broadcast("from behind the router");
            other.Broadcast("to the NATed node");
            await Eventually.UntilAsync(() => other.MessagesDelivered == 1 && natted.MessagesDelivered == 1, TestNetwork.Wait, "both broadcasts arrived");

            // Neither its private address nor the router's address with its port is in the entry node's book or ADDR.
            Assert.DoesNotContain(entry.GetAddressBook(), e => e.NodeId == natted.Id || e.Address.StartsWith("10.0.0.2:") || e.Address.StartsWith(RouterPublic + ":"));
            using RawPeer asker = await RawPeer.JoinAsync(net.Network, entry);
            await asker.SendAsync(AddressFrame.EncodeRequest());
            byte[] reply = await asker.ReadFrameAsync(b => b[0] == (byte)FrameType.Addresses, TestNetwork.Wait, "ADDR");
            List<AddressRecord> records = AddressFrame.TryDecode(reply, 0, reply.Length, out string error);
            Assert.True(records != null, error);
            Assert.Contains(records, r => r.NodeId.ToString() == other.Id); // the other node, dialled back, is gossiped
            Assert.DoesNotContain(records, r => r.NodeId.ToString() == natted.Id || r.EndPoint.Address.Equals(RouterPublic) || r.EndPoint.Address.Equals(IPAddress.Parse("10.0.0.2")));
        }

        [Fact]
        public async Task A_neighbour_flooding_DIALBACK_gets_one_dial_per_minute_and_every_other_ask_is_counted()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("node");
            using var target = new CountingListener(net.Network, new IPEndPoint(Hostile, 0)); // the hostile peer's own listen port: it answers nothing
            using RawPeer hostile = await RawPeer.JoinAsync(net.Network, node, from: Hostile, listenPort: (ushort)target.Port);

            const int asks = 100;
            for (int i = 0; i < asks; i++) await hostile.SendAsync(DialBackFrame.EncodeRequest((ulong)i));
            await Eventually.UntilAsync(() => node.DialBacksRefused == asks - 1, TestNetwork.Wait, "every ask past the first was refused", () => node.DialBacksRefused.ToString());
            await net.QuietAsync(settle: false);
            Assert.Equal(1, target.Count);

            // The probe meets its timeout (the listener there never answers): the asker hears Unreachable.
            await net.JumpAsync(TimeSpan.FromSeconds(6), settle: false);
            byte[] result = await hostile.ReadFrameAsync(b => b[0] == (byte)FrameType.DialBackResult, TestNetwork.Wait, "DIALBACK-RESULT");
            Assert.True(DialBackFrame.TryDecodeResult(result, 0, result.Length, out ulong nonce, out DialBackOutcome outcome));
            Assert.Equal(0UL, nonce);
            Assert.Equal(DialBackOutcome.Unreachable, outcome);
            Assert.Equal(1, node.DialBacksDone);

            // A minute on, one more is allowed.
            await net.JumpAsync(TimeSpan.FromSeconds(60), settle: false);
            await hostile.SendAsync(DialBackFrame.EncodeRequest(1000));
            await Eventually.UntilAsync(() => target.Count == 2, TestNetwork.Wait, "the second dial-back a minute later");
            Assert.Equal(asks - 1, node.DialBacksRefused);
        }

        [Fact]
        public async Task Neighbours_from_many_addresses_get_at_most_four_dial_backs_at_once_and_the_rest_hear_Refused()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("node");
            var listeners = new List<CountingListener>();
            var peers = new List<RawPeer>();
            try
            {
                for (int i = 0; i < 6; i++)
                {
                    IPAddress from = IPAddress.Parse("203.0." + (10 + i) + ".5");
                    var listener = new CountingListener(net.Network, new IPEndPoint(from, 0));
                    listeners.Add(listener);
                    peers.Add(await RawPeer.JoinAsync(net.Network, node, from: from, listenPort: (ushort)listener.Port));
                }
                foreach (RawPeer peer in peers) await peer.SendAsync(DialBackFrame.EncodeRequest(7));
                await Eventually.UntilAsync(() => node.DialBacksRefused == 2, TestNetwork.Wait, "two asks over the cap refused", () => node.DialBacksRefused.ToString());
                await net.QuietAsync(settle: false);
                Assert.Equal(4, listeners.Sum(l => l.Count));
                int refusedAnswers = 0;
                foreach (RawPeer peer in peers.Where((p, i) => listeners[i].Count == 0))
                {
                    byte[] result = await peer.ReadFrameAsync(b => b[0] == (byte)FrameType.DialBackResult, TestNetwork.Wait, "DIALBACK-RESULT");
                    Assert.True(DialBackFrame.TryDecodeResult(result, 0, result.Length, out _, out DialBackOutcome outcome));
                    Assert.Equal(DialBackOutcome.Refused, outcome);
                    refusedAnswers++;
                }
                Assert.Equal(2, refusedAnswers);
            }
            finally
            {
                foreach (RawPeer peer in peers) peer.Dispose();
                foreach (CountingListener listener in listeners) listener.Dispose();
            }
        }

        [Fact]
        public async Task A_DIALBACK_never_makes_a_node_dial_an_address_other_than_the_askers_own()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("node");
            using var own = new CountingListener(net.Network, new IPEndPoint(Hostile, 0));
            using var victim = new CountingListener(net.Network, new IPEndPoint(IPAddress.Parse("192.0.2.80"), own.Port)); // a third party, same port
            using RawPeer hostile = await RawPeer.JoinAsync(net.Network, node, from: Hostile, listenPort: (ushort)own.Port);

            // The ask, with the victim's address and port appended as if the frame could name one: those bytes are ignored.
            byte[] ask = DialBackFrame.EncodeRequest(42);
            byte[] named = AddressFrame.Encode(new[] { new AddressRecord(new IPEndPoint(IPAddress.Parse("192.0.2.80"), own.Port), default, false) });
            byte[] frame = new byte[ask.Length + named.Length - 4];
            Buffer.BlockCopy(ask, 0, frame, 0, ask.Length);
            Buffer.BlockCopy(named, 4, frame, ask.Length, named.Length - 4);
            BigEndian.WriteUInt32(frame, 0, (uint)(frame.Length - 4));
            await hostile.SendAsync(frame);

            await Eventually.UntilAsync(() => own.Count == 1, TestNetwork.Wait, "the asker's own address was dialled");
            await net.QuietAsync(settle: false);
            Assert.Equal(0, victim.Count);
        }
    }
}
