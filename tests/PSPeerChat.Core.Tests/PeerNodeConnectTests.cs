using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class PeerNodeConnectTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        private static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        [Fact]
        public async Task Connecting_to_a_closed_port_throws_PeerConnectException_quickly()
        {
            using var net = new TestNetwork(1, "dialer");
            string address = "127.0.0.1:" + ClosedPort();
            var clock = Stopwatch.StartNew();

            var e = await Assert.ThrowsAsync<PeerConnectException>(() => net[0].ConnectAsync(address, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10)));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "took " + clock.Elapsed);
            Assert.False(e.TimedOut);
            Assert.Equal(address, e.Address);
            Assert.Contains(address, e.Message);
            Assert.Contains("refused", e.Message);
            Assert.Equal(0, net[0].PeerCount);
        }

        [Fact]
        public async Task ConnectAsync_returns_once_the_acceptor_has_registered_the_link_too()
        {
            // Each end registers when the other's INTRO arrives. Returning on the dialler's registration alone left a
            // moment in which the acceptor's broadcasts did not use the new link (protocol.md §3.1).
            using var net = new TestNetwork(2, "both-ends");
            for (int round = 0; round < 30; round++)
            {
                Peer peer = await net[0].ConnectAsync(TestNetwork.AddressOf(net[1]), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                Assert.True(net[1].GetPeers().Any(p => p.Id == net[0].Id), "round " + round + ": the acceptor lists the link when ConnectAsync returns");

                net[1].Broadcast("round " + round);
                Assert.Equal("round " + round, (await Task.Run(() => net[0].Receive(Wait)))?.Text);
                net[0].Disconnect(peer);
                await Eventually.UntilAsync(() => net[0].PeerCount == 0 && net[1].PeerCount == 0, Wait, "the link is gone on both ends");
            }
        }

        [Fact]
        public async Task Connecting_a_node_to_itself_fails_with_a_message_about_this_node()
        {
            using var net = new TestNetwork(2, "self");

            var e = await Assert.ThrowsAsync<PeerConnectException>(() => net[0].ConnectAsync(TestNetwork.AddressOf(net[0]), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10)));

            Assert.Contains("back to this node", e.Message);
            Assert.False(e.TimedOut);
            await Eventually.UntilAsync(() => net[0].PeerCount == 0, Wait, "no link of the node to itself is left");
            Assert.Empty(net[0].GetPeers());

            // The node is unharmed: it links to and chats with another node.
            await net.LinkAsync(0, 1);
            net[0].Broadcast("still fine");
            Assert.Equal("still fine", (await Task.Run(() => net[1].Receive(Wait)))?.Text);
            Assert.Equal(0, net[0].InboxCount);
        }

        [Fact]
        public async Task Linking_two_nodes_with_automatic_joining_on_completes_the_handshake()
        {
            // Default TargetPeers (> 0): the acceptor asks the new neighbour for addresses as soon as it registers it.
            // That request must not overtake the acceptor's INTRO, or every default dial fails (protocol.md §3.1 step 4).
            var a = PeerNode.Start(new PeerNodeOptions { Port = 0, FallForward = false, ListenAddress = "127.0.0.1", Name = "auto-a" });
            var b = PeerNode.Start(new PeerNodeOptions { Port = 0, FallForward = false, ListenAddress = "127.0.0.1", Name = "auto-b" });
            try
            {
                Assert.True(a.TargetPeers > 0);

                Peer link = await a.ConnectAsync(TestNetwork.AddressOf(b), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));

                Assert.Equal(b.Id, link.Id);
                await Eventually.UntilAsync(() => TestNetwork.HasPeer(b, a), Wait, "the acceptor lists the link");
                Assert.Equal(0, a.InvalidFrames + b.InvalidFrames);
            }
            finally
            {
                a.Stop();
                b.Stop();
            }
        }

        [Theory]
        [InlineData("nonsense")]
        [InlineData("localhost:0")]
        [InlineData("::1:55555")]
        public async Task A_malformed_address_throws_FormatException(string address)
        {
            using var net = new TestNetwork(1, "fmt");

            await Assert.ThrowsAsync<FormatException>(() => net[0].ConnectAsync(address));
        }

        [Fact]
        public async Task Connecting_again_to_a_linked_node_returns_a_link_and_leaves_exactly_one()
        {
            // Both ends keep the same one of two links between them (the duplicate rule); a second Connect must
            // then hand back the kept link instead of failing. Which link wins depends on a random token, so try
            // several times: a wrong outcome shows up with probability 1 - 2^-6.
            using var net = new TestNetwork(2, "dup");
            await net.LinkAsync(0, 1);

            for (int attempt = 0; attempt < 6; attempt++)
            {
                Peer again = await net[0].ConnectAsync(TestNetwork.AddressOf(net[1]), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));

                Assert.Equal(net[1].Id, again.Id);
                await Eventually.UntilAsync(
                    () => net[0].PeerCount == 1 && net[1].PeerCount == 1 && TestNetwork.HasPeer(net[0], net[1]) && TestNetwork.HasPeer(net[1], net[0]),
                    Wait, "exactly one link is left between the two nodes", () => net[0].PeerCount + " / " + net[1].PeerCount);
            }

            net[1].Broadcast("one link, one copy");
            Assert.Equal("one link, one copy", (await Task.Run(() => net[0].Receive(Wait)))?.Text);
        }
    }
}
