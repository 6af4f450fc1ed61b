using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Inbox;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The inbox's bounds and whom they cost (protocol.md §8.9).</summary>
    public class MessageInboxTests
    {
        private static PeerMessage Message(string from, string text) => new PeerMessage { From = from, Text = text };

        [Fact]
        public void A_sender_flooding_a_full_inbox_pushes_out_its_own_messages_not_the_others()
        {
            var inbox = new MessageInbox(capacity: 100, maxBytes: 1_000_000);
            for (int i = 0; i < 1000; i++)
            {
                inbox.Add(Message("flooder", new string('x', 10_000)));
                if (i % 50 == 0) inbox.Add(Message("alice", "hello " + i));
            }

            var all = new List<PeerMessage>();
            inbox.TakeAvailable(all, int.MaxValue);
            // All 20 of alice's lines are still there, in order, and the flooder kept what fits in the rest.
            Assert.Equal(Enumerable.Range(0, 20).Select(i => "hello " + (i * 50)), all.Where(m => m.From == "alice").Select(m => m.Text));
            Assert.True(all.Sum(m => m.SizeBytes) <= 1_000_000);
            Assert.Equal(1020 - all.Count, inbox.Dropped);
            Assert.Equal(0, inbox.Bytes);
        }

        [Fact]
        public void Messages_come_out_oldest_first_whoever_sent_them()
        {
            var inbox = new MessageInbox(capacity: 3);
            inbox.Add(Message("a", "1"));
            inbox.Add(Message("b", "2"));
            inbox.Add(Message("a", "3"));
            inbox.Add(Message("c", "4")); // full: a holds the most, its oldest goes

            var all = new List<PeerMessage>();
            inbox.TakeAvailable(all, int.MaxValue);
            Assert.Equal(new[] { "2", "3", "4" }, all.Select(m => m.Text));
            Assert.Equal(1, inbox.Dropped);
        }

        private static PeerMessage OnChannel(string from, string channel, string text) => new PeerMessage { From = from, Channel = channel, Text = text };

        [Fact]
        public void Taking_one_channel_leaves_the_others_in_order_and_the_bounds_still_hold()
        {
            var inbox = new MessageInbox(capacity: 100, maxBytes: 1_000_000);
            inbox.Add(OnChannel("a", "", "lobby 1"));
            inbox.Add(OnChannel("a", "ops", "ops 1"));
            inbox.Add(OnChannel("b", "dev", "dev 1"));
            inbox.Add(OnChannel("a", "ops", "ops 2"));
            inbox.Add(OnChannel("a", "", "lobby 2"));

            var ops = new List<PeerMessage>();
            Assert.Equal(2, inbox.TakeAvailable(ops, 10, m => m.Channel == "ops"));
            Assert.Equal(new[] { "ops 1", "ops 2" }, ops.Select(m => m.Text));
            Assert.Equal("dev 1", inbox.Take(System.TimeSpan.Zero, default, m => m.Channel.StartsWith("d"))?.Text);
            Assert.Null(inbox.Take(System.TimeSpan.FromMilliseconds(50), default, m => m.Channel == "ops"));

            var rest = new List<PeerMessage>();
            inbox.TakeAvailable(rest, 10);
            Assert.Equal(new[] { "lobby 1", "lobby 2" }, rest.Select(m => m.Text));
            Assert.Equal(0, inbox.Bytes);
            Assert.Equal(0, inbox.Count);

            // Messages left behind by a filtered taker still count against the bounds: the heaviest sender's oldest goes.
            var small = new MessageInbox(capacity: 3);
            small.Add(OnChannel("a", "ops", "1"));
            small.Add(OnChannel("a", "", "2"));
            small.Add(OnChannel("b", "", "3"));
            Assert.Equal("2", small.Take(System.TimeSpan.Zero, default, m => m.Channel == "")?.Text); // a's newer one, not its oldest
            small.Add(OnChannel("c", "", "4"));
            small.Add(OnChannel("c", "", "5"));
            var left = new List<PeerMessage>();
            small.TakeAvailable(left, 10);
            Assert.Equal(new[] { "3", "4", "5" }, left.Select(m => m.Text));
            Assert.Equal(1, small.Dropped);
        }

        [Fact]
        public void A_filtered_taker_waits_for_a_match_and_wakes_for_it()
        {
            var inbox = new MessageInbox(capacity: 100);
            inbox.Add(OnChannel("a", "", "not this"));
            var taker = System.Threading.Tasks.Task.Run(() => inbox.Take(System.TimeSpan.FromSeconds(15), default, m => m.Channel == "ops"));
            inbox.Add(OnChannel("a", "dev", "nor this"));
            inbox.Add(OnChannel("a", "ops", "this"));
            Assert.Equal("this", taker.Result?.Text);
            Assert.Equal(2, inbox.Count);
        }
    }
}
