using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Keepalive (protocol.md §3.5) on the fake clock: what took 20 s of waiting over sockets takes milliseconds.</summary>
    [Collection(FakeClockCollection.Name)]
    public class MemoryKeepaliveTests
    {
        [Fact]
        public async Task A_neighbour_silent_after_its_handshake_is_dropped_after_the_idle_timeout_and_not_before()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("watch");
            // A valid, signed handshake, then never a byte again (no PONG either): a neighbour gone without a CLOSE.
            using RawPeer silent = await RawPeer.JoinAsync(net.Network, node, name: "silent");
            Peer link = node.GetPeers().Single();
            TimeSpan idle = node.Options.IdleTimeout;

            int ticks = await net.TickUntilAsync(() => link.State == PeerState.Closed, 20, "the silent link was dropped");

            Assert.InRange(ticks, (int)idle.TotalSeconds, (int)idle.TotalSeconds + 2); // dropped at the first tick past the timeout
            Assert.Equal(CloseReason.ConnectionLost, link.CloseReason);
            Assert.Contains("nothing received for 10 s", link.CloseDetail);
            Assert.Equal(0, node.PeerCount);
        }

        [Fact]
        public async Task PINGs_alone_keep_a_quiet_link_up_for_many_idle_timeouts_and_measure_its_round_trip()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a");
            PeerNode b = net.Start("b");
            Peer link = await net.LinkAsync(a, b);

            await net.TickAsync(60); // six idle timeouts of the fake clock, no chat at all

            Assert.Equal(PeerState.Connected, link.State);
            Assert.Equal(1, a.PeerCount);
            Assert.Equal(1, b.PeerCount);
            Assert.InRange(link.LatencyMs, 0, 1000); // the fake clock stands still while a PING crosses: 0 ms
        }

        [Fact]
        public async Task A_neighbour_that_answers_PINGs_stays_but_one_that_stops_answering_is_dropped()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("watch");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "raw");
            Peer link = node.GetPeers().Single();

            // The raw peer answers every PING (one at registration, then one per 3 s keepalive interval) for 30 s.
            await raw.AnswerNextPingAsync(TestNetwork.Wait);
            for (int i = 0; i < 10; i++)
            {
                await net.TickAsync(3);
                await raw.AnswerNextPingAsync(TestNetwork.Wait);
            }
            await net.TickAsync();
            Assert.Equal(PeerState.Connected, link.State);

            int ticks = await net.TickUntilAsync(() => link.State == PeerState.Closed, 20, "the link was dropped once the PONGs stopped");
            Assert.InRange(ticks, 8, 12); // the idle timeout (10 s) after the last PONG, give or take a tick
        }
    }
}
