using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Two real nodes over loopback TCP talking to each other.</summary>
    public class PeerNodeChatTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        [Fact]
        public async Task Two_nodes_chat_both_ways()
        {
            using var net = new TestNetwork(2, "chat");
            Peer link = await net.LinkAsync(0, 1);

            Assert.Equal(net[1].Id, link.Id);
            Assert.Equal("chat1", link.Name);
            Assert.Equal(PeerDirection.Outbound, link.Direction);
            Assert.Equal(PeerProtocol.PeerChat, link.Protocol);
            Assert.Equal(PeerState.Connected, link.State);
            Assert.Equal(TestNetwork.AddressOf(net[1]), link.ListenAddress);
            Peer back = net[1].GetPeers().Single();
            Assert.Equal(net[0].Id, back.Id);
            Assert.Equal(PeerDirection.Inbound, back.Direction);
            Assert.Equal(TestNetwork.AddressOf(net[0]), back.ListenAddress);

            PeerMessage sent = net[0].Broadcast("hello from zero – ünïcødé 🎉");
            Assert.Equal(0, sent.Hops);
            PeerMessage got = await Task.Run(() => net[1].Receive(Wait));

            Assert.NotNull(got);
            Assert.Equal(sent.Id, got.Id);
            Assert.Equal("hello from zero – ünïcødé 🎉", got.Text);
            Assert.Equal(net[0].Id, got.From);
            Assert.Equal("chat0", got.FromName);
            Assert.Equal(1, got.Hops);
            Assert.Equal(net[0].Id, got.Via);
            Assert.Equal(PeerProtocol.PeerChat, got.Protocol);
            Assert.Equal("chat1", got.ReceivedBy);
            Assert.True(got.Verified);
            Assert.False(got.IsDirect);
            Assert.Equal(string.Empty, got.To);
            Assert.Equal(string.Empty, got.Gateway);

            PeerMessage reply = net[1].Broadcast("and back\nover two lines");
            PeerMessage gotReply = await Task.Run(() => net[0].Receive(Wait));

            Assert.NotNull(gotReply);
            Assert.Equal(reply.Id, gotReply.Id);
            Assert.Equal("and back\nover two lines", gotReply.Text);
            Assert.Equal(net[1].Id, gotReply.From);
            Assert.Equal("chat1", gotReply.FromName);

            net[0].Broadcast("");
            PeerMessage empty = await Task.Run(() => net[1].Receive(Wait));
            Assert.NotNull(empty);
            Assert.Equal(string.Empty, empty.Text);

            // Nobody hears their own messages, and nothing arrived twice.
            Assert.Equal(0, net[0].InboxCount);
            Assert.Equal(0, net[1].InboxCount);
            Assert.Equal(2, net[0].MessagesSent);
            Assert.Equal(1, net[1].MessagesSent);
            // The counter moves just after the message reaches the inbox: wait for it rather than race it.
            await Eventually.UntilAsync(() => net[0].MessagesDelivered >= 1 && net[1].MessagesDelivered >= 2, Wait, "the delivery counters caught up");
            Assert.Equal(1, net[0].MessagesDelivered);
            Assert.Equal(2, net[1].MessagesDelivered);
            Assert.Equal(0, net[0].InboxCount + net[1].InboxCount);
            Assert.Equal(0, net[0].DuplicatesDropped + net[1].DuplicatesDropped);
            Assert.Equal(0, net[0].InvalidFrames + net[1].InvalidFrames);
        }

        [Fact]
        public async Task A_burst_arrives_complete_and_in_order_including_max_size_messages()
        {
            using var net = new TestNetwork(2, "burst");
            await net.LinkAsync(1, 0);
            string big = new string('€', ProtocolLimits.MaxTextBytes / 3); // 64000 UTF-8 bytes
            var texts = Enumerable.Range(0, 400).Select(i => i % 100 == 50 ? big : "message " + i).ToList();

            var sent = texts.Select(t => net[0].Broadcast(t).Id).ToList();

            await Eventually.UntilAsync(() => net.Collect(1).Count >= texts.Count, Wait, "all " + texts.Count + " messages arrived", net.Describe);
            var got = net.Inboxes[1];
            Assert.Equal(texts.Count, got.Count);
            Assert.Equal(sent, got.Select(m => m.Id));
            Assert.Equal(texts, got.Select(m => m.Text));
            Assert.Equal(0, net[1].InvalidFrames);
        }

        [Fact]
        public void Broadcast_refuses_text_over_the_limit()
        {
            using var net = new TestNetwork(1, "limit");

            Assert.Throws<ArgumentException>(() => net[0].Broadcast(new string('x', ProtocolLimits.MaxTextBytes + 1)));
            Assert.Equal(0, net[0].MessagesSent);
        }
    }
}
