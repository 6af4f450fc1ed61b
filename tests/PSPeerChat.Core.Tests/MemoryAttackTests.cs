using System.Collections.Generic;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Memory and work a remote peer can make a node spend: bounded in bytes, and budgeted per link.</summary>
    [Collection(FakeClockCollection.Name)]
    public class MemoryAttackTests
    {
        [Fact]
        public async Task A_thousand_messages_of_sixty_thousand_characters_cannot_fill_the_inbox_of_a_node_nobody_reads()
        {
            using var net = new MemoryTestNetwork();
            PeerNode relay = net.Start("relay");
            PeerNode reader = net.Start("unread"); // nobody calls Receive on it
            await net.LinkAsync(reader, relay);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, relay, name: "big");
            string text = new string('x', 60000);

            // 60 MB: past the link's 4 MiB burst the relay reads 1 MiB a second (protocol.md §8.8), so the clock must run.
            Task send = Task.Run(async () =>
            {
                for (int i = 0; i < 1000; i++) await raw.SendAsync(Frames.LiveMessage(raw.Identity, "big", text).Frame);
            });
            await net.TickUntilAsync(() => reader.MessagesDelivered == 1000, 90, "the unread node took every message", () => reader.MessagesDelivered + " delivered");
            await send;

            // 1,000 messages of 120 KB on the heap would be 120 MB; the inbox keeps 32 MiB of them and counts the rest.
            Assert.InRange(reader.InboxCount, 200, 300);
            Assert.Equal(1000 - reader.InboxCount, reader.InboxDropped);
            Assert.InRange(relay.InboxCount, 200, 300);
            Assert.Equal(reader.InboxCount, reader.Receive(new List<PeerMessage>()));
        }

        [Fact]
        public async Task A_text_peer_cannot_make_the_network_verify_more_than_its_budget_of_lines()
        {
            using var net = new MemoryTestNetwork();
            PeerNode gateway = net.Start("gateway");
            PeerNode other = net.Start("other");
            await net.LinkAsync(other, gateway);
            using RawPeer nc = await RawPeer.ConnectAsync(net.Network, gateway.Port);

            // A hundred two-byte lines at once: each would become a message signed by the gateway and checked by every node.
            var lines = new System.Text.StringBuilder();
            for (int i = 0; i < 100; i++) lines.Append("x\n");
            await nc.SendAsync(lines.ToString());
            await Eventually.UntilAsync(() => gateway.MessagesDelivered + gateway.TextLinesDropped == 100, TestNetwork.Wait, "the gateway took every line");

            Assert.Equal(20, gateway.MessagesDelivered); // the burst
            Assert.Equal(80, gateway.TextLinesDropped);
            await Eventually.UntilAsync(() => other.MessagesDelivered == 20, TestNetwork.Wait, "the other node got the lines let through");

            await net.TickAsync(2); // two seconds refill ten lines
            await nc.SendAsync(lines.ToString());
            await Eventually.UntilAsync(() => gateway.MessagesDelivered + gateway.TextLinesDropped == 200, TestNetwork.Wait, "the gateway took the second hundred");
            Assert.Equal(30, gateway.MessagesDelivered);
        }
    }
}
