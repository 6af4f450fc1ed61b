using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The acceptance window (protocol.md §8.3) with a clock per node: a broadcast is judged by its origin's timestamp
    /// against the receiver's clock, so skewed fake clocks show what a replay or a wrong clock meets.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class MemoryReplayWindowTests
    {
        private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        /// <summary>Sender and receiver linked, the receiver's clock <paramref name="receiverAhead"/> ahead; how the receiver took one broadcast.</summary>
        private static async Task<(long delivered, long refused)> BroadcastAcrossSkew(TimeSpan receiverAhead)
        {
            using var net = new MemoryTestNetwork();
            PeerNode sender = PeerNode.Start(net.Options("sender", new FakeTimeProvider(Start)));
            net.Nodes.Add(sender);
            PeerNode receiver = PeerNode.Start(net.Options("receiver", new FakeTimeProvider(Start + receiverAhead)));
            net.Nodes.Add(receiver);
            await net.LinkAsync(sender, receiver);
            await net.QuietAsync();
            long refusedBefore = receiver.ReplaysRefused; // the sender's handshake announcement may have met the same fate

            sender.Broadcast("judged by the receiver's clock");
            await Eventually.UntilAsync(() => receiver.MessagesDelivered + receiver.ReplaysRefused - refusedBefore == 1, TestNetwork.Wait, "the receiver took or refused the broadcast");
            return (receiver.MessagesDelivered, receiver.ReplaysRefused - refusedBefore);
        }

        [Fact]
        public async Task A_broadcast_older_than_the_acceptance_window_by_the_receivers_clock_is_refused()
        {
            (long delivered, long refused) = await BroadcastAcrossSkew(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(5));
            Assert.Equal(0, delivered);
            Assert.Equal(1, refused);
        }

        [Fact]
        public async Task A_broadcast_inside_the_window_is_delivered_though_the_clocks_differ()
        {
            (long delivered, long refused) = await BroadcastAcrossSkew(TimeSpan.FromMinutes(4));
            Assert.Equal(1, delivered);
            Assert.Equal(0, refused);
        }

        [Fact]
        public async Task A_broadcast_from_further_in_the_future_than_the_clock_skew_allows_is_refused()
        {
            (long delivered, long refused) = await BroadcastAcrossSkew(-TimeSpan.FromSeconds(31));
            Assert.Equal(0, delivered);
            Assert.Equal(1, refused);

            (delivered, refused) = await BroadcastAcrossSkew(-TimeSpan.FromSeconds(29));
            Assert.Equal(1, delivered);
            Assert.Equal(0, refused);
        }
    }
}
