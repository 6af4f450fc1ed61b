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
    }
}
