using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>A neighbour that stops reading (protocol.md §4.1): its messages would be dropped for good, and it must not slow the node.</summary>
    [Collection(FakeClockCollection.Name)]
    public class SlowNeighbourTests
    {
        [Fact]
        public async Task A_neighbour_that_stops_reading_but_keeps_talking_is_closed_once_its_queue_stays_full()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("sender", o =>
            {
                o.SendQueueCapacity = 16;
                o.SendWait = TimeSpan.Zero;
            });
            PeerNode healthy = net.Start("healthy");
            await net.LinkAsync(healthy, node);
            using RawPeer deaf = await RawPeer.JoinAsync(net.Network, node, name: "deaf");
            Peer deafLink = node.GetPeers().Single(p => p.Name == "deaf");
            string text = new string('y', 30000);

            // It never reads: the pipe's window fills, the writer stops, then the queue; broadcasts to it are dropped.
            for (int i = 0; i < 40 && node.SendDrops == 0; i++) node.Broadcast(text + i);
            Assert.True(node.SendDrops > 0, "the deaf neighbour's queue filled");

            // It keeps sending PINGs of its own, so the idle timeout never catches it; the node keeps broadcasting.
            int ticks = 0;
            while (deafLink.State != PeerState.Closed && ticks < 25)
            {
                await deaf.SendAsync(PingFrame.Encode(FrameType.Ping, (ulong)ticks));
                await net.TickAsync(settle: false);
                ticks++;
                node.Broadcast("more " + ticks);
            }

            Assert.InRange(ticks, 11, 25); // not before its queue had been full for 10 s
            Assert.Equal(PeerState.Closed, deafLink.State);
            Assert.Contains("does not read", deafLink.CloseDetail);
            Assert.Equal(1, node.StalledLinksClosed);
            Assert.True(TestNetwork.HasPeer(node, healthy), "the healthy link stays");
        }
    }
}
