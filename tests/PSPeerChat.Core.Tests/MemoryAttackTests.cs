using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Memory a remote peer can make a node hold: bounded in bytes, not only in items.</summary>
    [Collection(FakeClockCollection.Name)]
    public class MemoryAttackTests
    {
        [Fact]
        public async Task A_thousand_lines_of_sixty_thousand_characters_cannot_fill_the_inbox_of_a_node_nobody_reads()
        {
            using var net = new MemoryTestNetwork();
            PeerNode gateway = net.Start("gateway");
            PeerNode reader = net.Start("unread"); // nobody calls Receive on it
            await net.LinkAsync(reader, gateway);
            using RawPeer nc = await RawPeer.ConnectAsync(net.Network, gateway.Port);
            string line = new string('x', 60000) + "\n";

            for (int i = 0; i < 1000; i++) await nc.SendAsync(line);
            await Eventually.UntilAsync(() => reader.MessagesDelivered == 1000, TestNetwork.Wait, "the unread node took every message", () => reader.MessagesDelivered + " delivered");

            // 1,000 messages of 120 KB on the heap would be 120 MB; the inbox keeps 32 MiB of them and counts the rest.
            Assert.InRange(reader.InboxCount, 200, 300);
            Assert.Equal(1000 - reader.InboxCount, reader.InboxDropped);
            Assert.InRange(gateway.InboxCount, 200, 300);
            // The newest are kept: in a chat the last lines matter most.
            Assert.Equal(reader.InboxCount, reader.Receive(new System.Collections.Generic.List<PeerMessage>()));
        }
    }
}
