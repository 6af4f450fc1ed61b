using System.Threading.Tasks;
using PSPeerChat.Stats;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The node's counters live in one stats object; its snapshot and the public properties agree.</summary>
    [Collection(FakeClockCollection.Name)]
    public class NodeStatsTests
    {
        [Fact]
        public async Task A_snapshot_holds_what_the_public_counters_show()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a");
            PeerNode b = net.Start("b");
            await net.LinkAsync(a, b);
            a.Broadcast("one");
            a.Broadcast("two");
            await Eventually.UntilAsync(() => b.MessagesDelivered == 2, TestNetwork.Wait, "b delivered both");
            await net.QuietAsync();

            NodeStatsSnapshot sa = a.Stats.Snapshot();
            NodeStatsSnapshot sb = b.Stats.Snapshot();
            Assert.Equal(2, sa.MessagesSent);
            Assert.Equal(a.MessagesSent, sa.MessagesSent);
            Assert.Equal(b.MessagesDelivered, sb.MessagesDelivered);
            Assert.Equal(b.SignaturesVerified, sb.SignaturesVerified);
            Assert.Equal(b.DuplicatesDropped, sb.DuplicatesDropped);
            Assert.Equal(0, sb.BudgetDrops + sb.InvalidFrames + sb.InvalidSignatures);
            Assert.Contains("delivered 2", sb.ToString());
        }
    }
}
