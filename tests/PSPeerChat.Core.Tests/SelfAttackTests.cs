using System;
using System.Net;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A node's id and keys are public, so a HELLO under its own id proves nothing (protocol.md §3.1): only the node's own
    /// HELLO, still in flight, coming back on an inbound link is a self-dial. Otherwise an attacker could make a node
    /// give up an address for good ("it leads back to this node").
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class SelfAttackTests
    {
        [Fact]
        public async Task A_node_that_dials_an_attacker_who_reflects_its_HELLO_is_not_told_the_address_is_itself()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            using ILinkListener trap = net.Network.Listen(new IPEndPoint(IPAddress.Loopback, 0), dualMode: false);
            Task<ILinkTransport> accepted = trap.AcceptAsync();

            Task<Peer> dial = node.ConnectAsync("127.0.0.1:" + trap.LocalEndPoint.Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            using RawPeer attacker = RawPeer.FromTransport(await accepted);
            byte[] hello = await attacker.ReadFrameAsync(TestNetwork.Wait); // the victim's HELLO body
            await attacker.SendAsync(Frames.Framed(hello)); // its own id, its own keys, its own token echoed

            var error = await Assert.ThrowsAsync<PeerConnectException>(() => dial);
            Assert.NotEqual(CloseReason.Self, error.Reason);
            Assert.Equal(1, node.InvalidFrames);
        }

        [Fact]
        public async Task A_replayed_HELLO_of_the_node_itself_gets_no_Self_verdict_and_no_answer()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            PeerNode other = net.Start("other");
            // The attacker saw one of the victim's HELLOs go by (here: one the victim sends when it dials).
            using ILinkListener trap = net.Network.Listen(new IPEndPoint(IPAddress.Loopback, 0), dualMode: false);
            Task<ILinkTransport> accepted = trap.AcceptAsync();
            Task<Peer> dial = node.ConnectAsync("127.0.0.1:" + trap.LocalEndPoint.Port, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            RawPeer capture = RawPeer.FromTransport(await accepted);
            byte[] hello = await capture.ReadFrameAsync(TestNetwork.Wait);
            capture.Dispose();
            await Assert.ThrowsAnyAsync<Exception>(() => dial);

            // Replayed to the victim on a new inbound connection: not a loop, since the victim sends no such HELLO now.
            using RawPeer replay = await RawPeer.ConnectAsync(net.Network, node.Port);
            await replay.SendAsync(Frames.Framed(hello));

            (CloseReason reason, string detail) = await replay.ReadCloseAsync(TestNetwork.Wait);
            Assert.Equal(CloseReason.ProtocolError, reason);
            Assert.Contains("own id", detail);
        }

        [Fact]
        public async Task A_node_that_dials_its_own_address_is_still_told_so()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("narcissus");
            var error = await Assert.ThrowsAsync<PeerConnectException>(() => node.ConnectAsync(MemoryTestNetwork.AddressOf(node), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10)));
            Assert.Equal(CloseReason.Self, error.Reason);
        }
    }
}
