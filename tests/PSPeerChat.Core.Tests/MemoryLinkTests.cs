using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Links over the in-memory network with a fake clock: handshake, duplicate links, text detection, handshake timeout.</summary>
    [Collection(FakeClockCollection.Name)]
    public class MemoryLinkTests
    {
        [Fact]
        public async Task Two_nodes_link_without_a_socket_and_learn_each_other_from_the_handshake()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a");
            PeerNode b = net.Start("b");

            Peer link = await net.LinkAsync(a, b);

            Assert.Equal(b.Id, link.Id);
            Assert.Equal("b", link.Name);
            Assert.Equal(PeerDirection.Outbound, link.Direction);
            Assert.Equal("127.0.0.1:" + b.Port, link.ListenAddress);
            Peer back = Assert.Single(b.GetPeers());
            Assert.Equal(a.Id, back.Id);
            Assert.Equal(PeerDirection.Inbound, back.Direction);
            Assert.Contains(a.GetDirectory(), e => e.Id == b.Id && e.Name == "b");
            Assert.Contains(b.GetDirectory(), e => e.Id == a.Id && e.Name == "a");
            Assert.Equal(2, net.Network.ListenerCount);
        }

        [Fact]
        public async Task A_broadcast_crosses_a_chain_of_memory_links_once_per_node()
        {
            using var net = new MemoryTestNetwork();
            PeerNode[] chain = Enumerable.Range(0, 4).Select(i => net.Start("n" + i)).ToArray();
            for (int i = 0; i + 1 < chain.Length; i++) await net.LinkAsync(chain[i], chain[i + 1]);

            chain[0].Broadcast("over memory");
            await Eventually.UntilAsync(() => chain.Skip(1).All(n => n.MessagesDelivered == 1), TestNetwork.Wait, "every other node delivered it");

            PeerMessage last = chain[3].Receive(TimeSpan.Zero);
            Assert.Equal("over memory", last.Text);
            Assert.Equal(3, last.Hops);
            Assert.True(last.Verified);
            Assert.Equal(0, chain[0].MessagesDelivered);
        }

        [Fact]
        public async Task When_two_nodes_dial_each_other_at_once_both_keep_the_same_one_link()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a");
            PeerNode b = net.Start("b");

            Task<Peer> ab = a.ConnectAsync(MemoryTestNetwork.AddressOf(b));
            Task<Peer> ba = b.ConnectAsync(MemoryTestNetwork.AddressOf(a));
            // Either dial may end with the other's link (returned, or refused as Duplicate): what counts is what stays.
            foreach (Task<Peer> dial in new[] { ab, ba })
            {
                try
                {
                    await dial;
                }
                catch (PeerConnectException ex) when (ex.Reason == CloseReason.Duplicate)
                {
                }
            }
            await net.TickAsync(3);

            Peer kept = Assert.Single(a.GetPeers());
            Peer keptB = Assert.Single(b.GetPeers());
            // Both ends kept the link with the smaller (dialler id, token): the same link, dialled by one of them.
            Assert.NotEqual(kept.Direction, keptB.Direction);
            Assert.Equal(PeerState.Connected, kept.State);
            Assert.Equal(PeerState.Connected, keptB.State);
            Assert.Equal(b.Id, kept.Id);
            Assert.Equal(a.Id, keptB.Id);
        }

        [Fact]
        public async Task An_inbound_link_silent_for_the_detect_timeout_becomes_a_text_peer_on_the_fake_clock()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("gateway");
            using RawPeer nc = await RawPeer.ConnectAsync(net.Network, node.Port);

            await net.TickAsync(settle: false); // 1 s: still deciding (the timeout is 1.5 s)
            Assert.Empty(node.GetPeers());
            await net.TickUntilAsync(() => node.GetPeers().Length == 1, 3, "the silent dialler registered as a text peer", settle: false);

            Peer text = node.GetPeers().Single();
            Assert.Equal(PeerProtocol.Text, text.Protocol);

            await nc.SendAsync("hello from nc\n");
            PeerMessage m = node.Receive(TestNetwork.Wait);
            Assert.Equal("hello from nc", m.Text);
            Assert.Equal(PeerProtocol.Text, m.Protocol);
        }

        [Fact]
        public async Task A_dialler_that_sends_HELLO_and_message_1_but_never_message_3_is_closed_when_the_fake_handshake_timeout_passes()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("strict");
            using RawPeer raw = await RawPeer.ConnectAsync(net.Network, node.Port);
            byte[] hello = HelloFrame.Encode();
            var noise = new Protocol.Noise.NoiseLinkHandshake(true, Protocol.Noise.NoiseStaticKey.Create(NodeIdentity.Create()), HelloFrame.BodyOf(hello), new SignatureVerifier());
            await raw.SendAsync(Frames.Concat(hello, NoiseFrame.Encode(noise.WriteMessage())));
            byte[] message2 = await raw.ReadFrameAsync(TestNetwork.Wait); // the node waits for our message 3
            Assert.Equal((byte)FrameType.Noise, message2[0]);

            await net.TickAsync(4, settle: false);
            Assert.Empty(node.GetPeers());
            await net.TickAsync(2, settle: false); // past the 5 s handshake timeout

            (CloseReason reason, string detail) = await raw.ReadCloseAsync(TestNetwork.Wait);
            Assert.Equal(CloseReason.HandshakeTimeout, reason);
            Assert.Contains("no PeerChat handshake within 5 s", detail);
            Assert.Empty(node.GetPeers());
        }
    }
}
