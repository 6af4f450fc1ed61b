using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Keepalive (protocol.md §3.5): round-trip times are measured, and a neighbour gone silent is dropped in time.</summary>
    public class KeepaliveTests
    {
        [Fact]
        public async Task A_neighbour_that_goes_silent_after_its_handshake_is_dropped_within_15_seconds()
        {
            using PeerNode node = PeerNode.Start(TestNetwork.Options("watch"));
            // The raw peer completes a valid, signed handshake and then never sends a byte again (no PONG either):
            // to the node it is a peer that vanished without closing, as after a network cut.
            using RawPeer silent = await RawPeer.JoinAsync(node, name: "silent");
            Peer link = node.GetPeers().Single();
            var clock = Stopwatch.StartNew();

            await Eventually.UntilAsync(() => node.PeerCount == 0, TimeSpan.FromSeconds(20), "the node dropped the silent link");

            Assert.True(clock.Elapsed <= TimeSpan.FromSeconds(15), "dropped after " + clock.Elapsed.TotalSeconds.ToString("N1") + " s; the limit is 15 s");
            Assert.True(clock.Elapsed >= node.Options.IdleTimeout - TimeSpan.FromSeconds(1), "not before the idle timeout: " + clock.Elapsed);
            Assert.Equal(PeerState.Closed, link.State);
            Assert.Equal(CloseReason.ConnectionLost, link.CloseReason);
            Assert.Contains("nothing received", link.CloseDetail);
        }

        [Fact]
        public async Task A_live_link_measures_its_round_trip_and_stays_up_past_the_idle_timeout()
        {
            PeerNodeOptions fast = TestNetwork.Options("a");
            // PINGs go out at the maintenance tick (1 s): a PING every tick, and an idle timeout of 3.5 ticks.
            fast.KeepaliveInterval = TimeSpan.FromSeconds(1);
            fast.IdleTimeout = TimeSpan.FromSeconds(3.5);
            PeerNodeOptions other = TestNetwork.Options("b");
            other.KeepaliveInterval = TimeSpan.FromSeconds(1);
            other.IdleTimeout = TimeSpan.FromSeconds(3.5);
            using PeerNode a = PeerNode.Start(fast);
            using PeerNode b = PeerNode.Start(other);
            Peer link = await a.ConnectAsync(TestNetwork.AddressOf(b), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));

            await Eventually.UntilAsync(() => link.LatencyMs >= 0, TimeSpan.FromSeconds(10), "a PONG came back");
            Assert.InRange(link.LatencyMs, 0, 1000);

            // Two idle timeouts with no chat at all: the PINGs alone keep the link alive.
            var quiet = Stopwatch.StartNew();
            await Eventually.UntilAsync(() => quiet.Elapsed > TimeSpan.FromSeconds(7.5) || link.State != PeerState.Connected, TimeSpan.FromSeconds(15), "two idle timeouts passed");
            Assert.Equal(PeerState.Connected, link.State);
            Assert.Equal(1, a.PeerCount);
            Assert.Equal(1, b.PeerCount);
        }
    }
}
