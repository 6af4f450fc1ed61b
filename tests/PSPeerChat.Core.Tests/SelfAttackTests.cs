using System;
using System.Net;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A self-dial is recognised only when Noise message 2 comes back under the node's own identity, which only the
    /// node itself can produce for its fresh ephemeral key (protocol.md §3.1). Reflected or replayed bytes never make a
    /// node give up an address for good ("it leads back to this node").
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class SelfAttackTests
    {
        /// <summary><paramref name="node"/> dials a listener of the test; the dial and the raw peer that answers it.</summary>
        private static async Task<(Task<Peer> dial, RawPeer raw)> DialTrapAsync(MemoryTestNetwork net, PeerNode node)
        {
            using ILinkListener trap = net.Network.Listen(new IPEndPoint(IPAddress.Loopback, 0), dualMode: false);
            Task<ILinkTransport> accepted = trap.AcceptAsync();
            Task<Peer> dial = node.ConnectAsync("127.0.0.1:" + trap.LocalEndPoint.Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            return (dial, RawPeer.FromTransport(await accepted));
        }

        [Fact]
        public async Task A_node_that_dials_an_attacker_who_reflects_its_first_frames_is_not_told_the_address_is_itself()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            (Task<Peer> dial, RawPeer attacker) = await DialTrapAsync(net, node);
            using var _ = attacker;
            byte[] hello = await attacker.ReadFrameAsync(TestNetwork.Wait);
            byte[] message1 = await attacker.ReadFrameAsync(TestNetwork.Wait);
            await attacker.SendAsync(Frames.Concat(Frames.Prefixed(hello), Frames.Prefixed(message1))); // the victim's own first words

            var error = await Assert.ThrowsAsync<PeerConnectException>(() => dial);
            Assert.NotEqual(CloseReason.Self, error.Reason);
            Assert.Equal(1, node.InvalidFrames);
        }

        [Fact]
        public async Task A_replayed_HELLO_and_message_1_of_the_node_itself_get_no_Self_verdict()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            // The attacker saw the victim's first frames go by (here: those the victim sends when it dials).
            (Task<Peer> dial, RawPeer capture) = await DialTrapAsync(net, node);
            byte[] hello = await capture.ReadFrameAsync(TestNetwork.Wait);
            byte[] message1 = await capture.ReadFrameAsync(TestNetwork.Wait);
            capture.Dispose();
            await Assert.ThrowsAnyAsync<Exception>(() => dial);

            // Replayed to the victim on a new inbound connection: the victim answers as to any dialler, and the replayer,
            // who holds no ephemeral key for it, can go no further. Nothing says "self".
            using RawPeer replay = await RawPeer.ConnectAsync(net.Network, node.Port);
            await replay.SendAsync(Frames.Concat(Frames.Prefixed(hello), Frames.Prefixed(message1)));
            byte[] answer = await replay.ReadFrameAsync(TestNetwork.Wait);
            Assert.Equal((byte)FrameType.Noise, answer[0]);

            await net.TickAsync(6, settle: false); // past the 5 s handshake timeout
            (CloseReason reason, _) = await replay.ReadCloseAsync(TestNetwork.Wait);
            Assert.Equal(CloseReason.HandshakeTimeout, reason);
            Assert.Equal(0, node.InvalidFrames);
        }

        [Fact]
        public async Task An_address_that_answers_CLOSE_Self_in_the_clear_is_not_given_up_as_this_node()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            (Task<Peer> dial, RawPeer liar) = await DialTrapAsync(net, node);
            using var _ = liar;
            Assert.Equal((byte)FrameType.Hello, (await liar.ReadFrameAsync(TestNetwork.Wait))[0]);
            await liar.SendAsync(CloseFrame.Encode(CloseReason.Self, "this is you")); // anyone can say so: nothing proves it

            var error = await Assert.ThrowsAsync<PeerConnectException>(() => dial);
            Assert.NotEqual(CloseReason.Self, error.Reason);
        }

        [Fact]
        public async Task A_node_that_dials_its_own_address_is_still_told_so()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("narcissus");
            var error = await Assert.ThrowsAsync<PeerConnectException>(() => node.ConnectAsync(MemoryTestNetwork.AddressOf(node), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10)));
            Assert.Equal(CloseReason.Self, error.Reason);
            Assert.Contains("leads back to this node", error.Message);
        }
    }
}
