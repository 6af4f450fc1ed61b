using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Links are encrypted and authenticated frame by frame (protocol.md §9): a man in the middle who changes one byte
    /// closes the link and gets nothing delivered, and one who only watches sees no text, no name and no node id.
    /// Node 0 dials node 1 through a <see cref="TcpRelay"/>.
    /// </summary>
    public class EncryptedLinkTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        // The handshake's bytes on the wire (protocol.md §9.2): HELLO 11, message 1 4+1+32, message 3 4+1+193; message 2 4+1+225.
        private const int HelloBytes = 11;
        private const int Message1Bytes = 37;
        private const int Message2Bytes = 230;
        private const int Message3Bytes = 198;

        private static async Task<Peer> LinkThroughAsync(TestNetwork net, TcpRelay relay)
        {
            Peer link = await net[0].ConnectAsync(relay.Address, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            await Eventually.UntilAsync(() => TestNetwork.HasPeer(net[1], net[0]), Wait, "node 1 registered the link");
            return link;
        }

        [Fact]
        public async Task The_handshake_has_the_sizes_the_protocol_states()
        {
            using var net = new TestNetwork(2, "sizes");
            using var relay = new TcpRelay(net[1].Port);
            await LinkThroughAsync(net, relay);
            byte[] forward = relay.Captured(TcpRelay.Forward);
            byte[] backward = relay.Captured(TcpRelay.Backward);
            Assert.Equal(new byte[] { 0, 0, 0, 7, 1, (byte)'P', (byte)'S', (byte)'P', (byte)'C', 5, 0 }, forward.Take(HelloBytes).ToArray());
            Assert.Equal(new byte[] { 0, 0, 0, 33, (byte)FrameType.Noise }, forward.Skip(HelloBytes).Take(5).ToArray());
            Assert.Equal(new byte[] { 0, 0, 0, 226, (byte)FrameType.Noise }, backward.Take(5).ToArray());
            Assert.Equal(new byte[] { 0, 0, 0, 194, (byte)FrameType.Noise }, forward.Skip(HelloBytes + Message1Bytes).Take(5).ToArray());
        }

        [Fact]
        public async Task A_man_in_the_middle_who_flips_one_byte_of_a_record_closes_the_link_and_nothing_is_delivered()
        {
            using var net = new TestNetwork(2, "flip");
            using var relay = new TcpRelay(net[1].Port);
            Peer atSender = await LinkThroughAsync(net, relay);
            Peer atReceiver = net[1].GetPeers().Single();
            long delivered = net[1].MessagesDelivered;

            // The next record from node 0 (the broadcast below, or a PING before it) arrives with one bit changed.
            relay.FlipAt(TcpRelay.Forward, relay.Relayed(TcpRelay.Forward) + 20);
            net[0].Broadcast("attack at dawn");

            await Eventually.UntilAsync(() => atReceiver.State == PeerState.Closed, Wait, "node 1 closed the link");
            Assert.Equal(CloseReason.ProtocolError, atReceiver.CloseReason);
            Assert.Contains("record did not decrypt", atReceiver.CloseDetail);
            await Eventually.UntilAsync(() => atSender.State == PeerState.Closed, Wait, "node 0 saw the link close");
            Assert.Null(net[1].Receive(TimeSpan.FromMilliseconds(300)));
            Assert.Equal(delivered, net[1].MessagesDelivered);
        }

        public static TheoryData<int, int> HandshakeBytes => new TheoryData<int, int>
        {
            { TcpRelay.Forward, 6 },                                            // HELLO flags: the prologue differs
            { TcpRelay.Forward, HelloBytes + 5 + 3 },                           // message 1: the dialler's ephemeral key
            { TcpRelay.Backward, 5 + 10 },                                      // message 2: the acceptor's ephemeral key
            { TcpRelay.Backward, 5 + 32 + 20 },                                 // message 2: its encrypted static key
            { TcpRelay.Backward, Message2Bytes - 3 },                           // message 2: its identity payload's tag
            { TcpRelay.Forward, HelloBytes + Message1Bytes + 5 + 7 },           // message 3: the dialler's encrypted static key
            { TcpRelay.Forward, HelloBytes + Message1Bytes + 5 + 48 + 60 },     // message 3: its identity payload
        };

        [Theory]
        [MemberData(nameof(HandshakeBytes))]
        public async Task A_man_in_the_middle_who_flips_one_byte_of_the_handshake_gets_no_link(int direction, int offset)
        {
            using var net = new TestNetwork(2, "hsflip");
            using var relay = new TcpRelay(net[1].Port);
            relay.FlipAt(direction, offset);

            await Assert.ThrowsAsync<PeerConnectException>(() => net[0].ConnectAsync(relay.Address, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10)));

            await Eventually.UntilAsync(() => net[1].GetPeers().All(p => p.State == PeerState.Closed), Wait, "node 1 holds no link");
            Assert.DoesNotContain(net[0].GetPeers(), p => p.State == PeerState.Connected);
            Assert.DoesNotContain(net[1].GetPeers(), p => p.State == PeerState.Connected);
        }

        [Fact]
        public async Task A_capture_of_a_chat_holds_no_text_no_name_and_no_node_id()
        {
            using var net = new TestNetwork(new[] { "alice-on-the-hill", "bob-by-the-river" });
            using var relay = new TcpRelay(net[1].Port);
            await LinkThroughAsync(net, relay);
            await Eventually.UntilAsync(() => net[0].GetDirectory().Any(d => d.Id == net[1].Id) && net[1].GetDirectory().Any(d => d.Id == net[0].Id), Wait, "both know each other's key");

            net[0].Broadcast("the eagle lands at noon");
            Assert.Equal("the eagle lands at noon", net[1].Receive(Wait)?.Text);
            net[0].SendDirect(net[1].Id, "meet me at the old mill");
            Assert.Equal("meet me at the old mill", net[1].Receive(Wait)?.Text);
            net[1].SendDirect(net[0].Id, "bring the map");
            Assert.Equal("bring the map", net[0].Receive(Wait)?.Text);

            byte[] wire = relay.Captured(TcpRelay.Forward).Concat(relay.Captured(TcpRelay.Backward)).ToArray();
            Assert.True(wire.Length > 1000, "the capture holds the chat (" + wire.Length + " bytes)");
            foreach (string text in new[] { "eagle", "old mill", "bring the map", "alice-on-the-hill", "bob-by-the-river", "alice", "river" })
            {
                Assert.False(Frames.Contains(wire, Encoding.UTF8.GetBytes(text)), "'" + text + "' is readable on the wire");
            }
            foreach (PeerNode node in net.Nodes)
            {
                byte[] id = new byte[16];
                node.NodeId.Write(id, 0);
                Assert.False(Frames.Contains(wire, id), node.Name + "'s node id (a DIRECT's recipient) is on the wire");
                Assert.False(Frames.Contains(wire, id.Take(8).ToArray()), "half of " + node.Name + "'s node id is on the wire");
                Assert.False(Frames.Contains(wire, node.Identity.SigningPublicKey), node.Name + "'s signing key is on the wire");
                Assert.False(Frames.Contains(wire, Encoding.ASCII.GetBytes(node.Id)), node.Name + "'s node id in hex is on the wire");
            }
        }
    }
}
