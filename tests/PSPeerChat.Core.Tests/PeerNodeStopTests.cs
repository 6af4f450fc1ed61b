using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class PeerNodeStopTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        [Fact]
        public async Task Stop_closes_every_socket_so_the_port_can_be_bound_again_at_once()
        {
            using var net = new TestNetwork(3, "stop");
            Peer fromOne = await net.LinkAsync(1, 0); // inbound at n0
            await net.LinkAsync(0, 2);                 // outbound from n0
            Peer fromTwo = net[2].GetPeers().Single();
            using var text = await RawPeer.ConnectAsync(net[0].Port);
            await text.SendAsync("a text peer\n");
            await Eventually.UntilAsync(() => net[0].PeerCount == 3, Wait, "n0 has three links");
            using var silent = await RawPeer.ConnectAsync(net[0].Port); // still in protocol detection
            int port = net[0].Port;

            var clock = Stopwatch.StartNew();
            net[0].Stop();

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "Stop took " + clock.Elapsed);
            Assert.Equal(PeerNodeState.Stopped, net[0].State);

            // The listening port is free again at once.
            PeerNode again = PeerNode.Start(new PeerNodeOptions { Port = port, FallForward = false, ListenAddress = "127.0.0.1", Name = "again" });
            try
            {
                Assert.Equal(port, again.Port);
            }
            finally
            {
                again.Stop();
            }

            // Every socket of the node was closed: neighbours, the text peer, the connection still in detection.
            Assert.True(await text.ReadsEndOfStreamAsync(Wait));
            Assert.True(await silent.ReadsEndOfStreamAsync(Wait));
            await Eventually.UntilAsync(() => net[1].PeerCount == 0 && net[2].PeerCount == 0, Wait, "both neighbours lost their link");
            Assert.Equal(PeerState.Closed, fromOne.State);
            Assert.Equal(CloseReason.Shutdown, fromOne.CloseReason);
            Assert.Equal(CloseReason.Shutdown, fromTwo.CloseReason);
            Assert.Equal(0, net[0].PeerCount);

            Assert.Throws<InvalidOperationException>(() => net[0].Broadcast("too late"));
            await Assert.ThrowsAsync<InvalidOperationException>(() => net[0].ConnectAsync(TestNetwork.AddressOf(net[1])));
            net[0].Stop(); // a second Stop is harmless
        }

        [Fact]
        public async Task Stop_releases_a_Receive_that_is_waiting_for_a_message()
        {
            using var net = new TestNetwork(1, "waiter");
            var receiving = Task.Factory.StartNew(() => net[0].Receive(TimeSpan.FromSeconds(30)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await Eventually.UntilAsync(() => receiving.Status == TaskStatus.Running, Wait, "Receive is waiting");

            net[0].Stop();

            // No message can come any more: the waiting Receive must return (null), not sit out its 30 s.
            PeerMessage got = await Eventually.Within(receiving, TimeSpan.FromSeconds(5), "Receive returned after Stop");
            Assert.Null(got);
        }

        [Fact]
        public void A_taken_port_is_refused_with_PortInUseException_when_fall_forward_is_off()
        {
            using var net = new TestNetwork(1, "taken");

            var e = Assert.Throws<PortInUseException>(() => PeerNode.Start(new PeerNodeOptions { Port = net[0].Port, FallForward = false, ListenAddress = "127.0.0.1", Name = "second" }));

            Assert.Contains(net[0].Port.ToString(), e.Message);
        }
    }
}
