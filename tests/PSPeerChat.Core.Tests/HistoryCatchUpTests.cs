using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// "What you missed" (protocol.md §3.14, §4.4) between real nodes on the in-memory network and its fake clock: what a
    /// node missed while away or unlinked reaches it when a link comes up, once, with its original SentAt and CaughtUp.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class HistoryCatchUpTests : IDisposable
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "pspc-history-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        }

        private static List<PeerMessage> Drain(PeerNode node, List<PeerMessage> into)
        {
            node.Receive(into);
            return into;
        }

        [Fact]
        public async Task Two_nodes_exchange_history_on_link_up_and_each_frame_is_delivered_once_with_its_SentAt_and_CaughtUp()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a"), b = net.Start("b");
            PeerMessage fromA = a.Broadcast("said by a before the link");
            PeerMessage fromB = b.Broadcast("said by b before the link");
            await net.JumpAsync(TimeSpan.FromMinutes(2));

            await net.LinkAsync(a, b);
            var inA = new List<PeerMessage>();
            var inB = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(a, inA).Count >= 1 && Drain(b, inB).Count >= 1, Wait, "each node caught up the other's broadcast",
                () => string.Join("; ", new[] { a, b }.Select(n => n.Name + ": peers " + n.PeerCount + ", caught up " + n.CaughtUp + ", served " + n.HistoryServed
                    + ", refused " + n.HistoryRefused + ", dropped " + n.HistoryDropped + ", replays " + n.ReplaysRefused + ", held " + n.HistoryCount)));
            await net.QuietAsync();

            PeerMessage gotByB = Assert.Single(Drain(b, inB));
            Assert.Equal(fromA.Id, gotByB.Id);
            Assert.True(gotByB.CaughtUp);
            Assert.Equal(fromA.SentAt, gotByB.SentAt);
            Assert.True(gotByB.Verified);
            PeerMessage gotByA = Assert.Single(Drain(a, inA));
            Assert.Equal(fromB.Id, gotByA.Id);
            Assert.True(gotByA.CaughtUp);
            Assert.Equal(1, a.CaughtUp);
            Assert.Equal(1, b.CaughtUp);

            // A live message after the sync is not caught up.
            a.Broadcast("live");
            await Eventually.UntilAsync(() => Drain(b, inB).Count == 2, Wait, "b received the live message");
            Assert.False(inB[1].CaughtUp);

            // Reconnecting: the filters name everything both hold, nothing is sent or delivered again.
            long served = a.HistoryServed + b.HistoryServed;
            b.Disconnect(b.GetPeers().Single());
            await Eventually.UntilAsync(() => a.PeerCount == 0 && b.PeerCount == 0, Wait, "the link is gone");
            await net.LinkAsync(a, b);
            await net.TickAsync(2);
            Assert.Equal(served, a.HistoryServed + b.HistoryServed);
            Assert.Equal(2, Drain(b, inB).Count);
            Assert.Single(Drain(a, inA));
        }

        [Fact]
        public async Task A_node_away_for_two_minutes_gets_the_broadcasts_and_the_direct_message_sent_meanwhile_once_each()
        {
            using var net = new MemoryTestNetwork();
            var identity = Identity.NodeIdentity.Create();
            PeerNode a = net.Start("a"), b = net.Start("b");
            PeerNode c = net.Start("c", o => o.Identity = identity);
            await net.LinkAsync(a, b);
            await net.LinkAsync(c, a);
            c.Stop();
            await Eventually.UntilAsync(() => a.PeerCount == 1, Wait, "a saw c go");

            PeerMessage broadcast = b.Broadcast("while c was away");
            PeerMessage direct = a.SendDirect(identity.NodeId.ToString(), "for c, who is away");
            await net.JumpAsync(TimeSpan.FromMinutes(2));

            PeerNode again = net.Start("c", o => o.Identity = identity);
            await net.LinkAsync(again, a);
            var inbox = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(again, inbox).Count >= 2, Wait, "c caught up the broadcast and the direct message");
            await net.TickAsync(2);

            Assert.Equal(new[] { broadcast.Id, direct.Id }.OrderBy(x => x), Drain(again, inbox).Select(m => m.Id).OrderBy(x => x));
            Assert.All(inbox, m => Assert.True(m.CaughtUp));
            PeerMessage gotDirect = inbox.Single(m => m.IsDirect);
            Assert.Equal("for c, who is away", gotDirect.Text);
            Assert.Equal(a.Id, gotDirect.From);
            Assert.Equal(direct.SentAt, gotDirect.SentAt);
            Assert.Equal(broadcast.SentAt, inbox.Single(m => !m.IsDirect).SentAt);
        }

        [Fact]
        public async Task A_node_restarted_with_its_identity_file_gets_what_it_missed_and_nothing_it_had_twice()
        {
            using var net = new MemoryTestNetwork();
            string identity = Path.Combine(_dir, "c.identity");
            PeerNode a = net.Start("a");
            PeerNode c = net.Start("c", o => o.IdentityPath = identity);
            await net.LinkAsync(c, a);
            PeerMessage before = a.Broadcast("before the restart");
            var first = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(c, first).Count == 1, Wait, "c received the first message live");
            c.Stop();
            Assert.True(File.Exists(Path.Combine(_dir, "c.seen")), "the seen keys are saved beside the identity file");
            await Eventually.UntilAsync(() => a.PeerCount == 0, Wait, "a saw c go");

            PeerMessage during = a.Broadcast("while c was stopped");
            await net.JumpAsync(TimeSpan.FromMinutes(2));
            long served = a.HistoryServed;

            PeerNode again = net.Start("c", o => o.IdentityPath = identity);
            await net.LinkAsync(again, a);
            var inbox = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(again, inbox).Count >= 1, Wait, "c caught up what it missed");
            await net.TickAsync(2);

            PeerMessage got = Assert.Single(Drain(again, inbox));
            Assert.Equal(during.Id, got.Id);
            Assert.True(got.CaughtUp);
            Assert.Equal(served + 1, a.HistoryServed); // the restarted node's filter named the first message: only one was sent
            Assert.Equal(0, again.DuplicatesDropped);
            Assert.NotEqual(before.Id, got.Id);
        }

        [Fact]
        public async Task A_direct_message_for_this_node_is_kept_as_its_id_only_and_never_served_to_others()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a"), c = net.Start("c");
            await net.LinkAsync(a, c);
            PeerMessage direct = a.SendDirect(c.Id, "for c only");
            PeerMessage broadcast = a.Broadcast("for everyone");
            var inC = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(c, inC).Count == 2, Wait, "c received both live");

            PeerNode late = net.Start("late");
            await net.LinkAsync(late, c);
            var inLate = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(late, inLate).Count >= 1, Wait, "the newcomer caught up the broadcast");
            await net.TickAsync(2);

            Assert.Equal(new[] { broadcast.Id }, Drain(late, inLate).Select(m => m.Id));
            Assert.Equal(1, c.HistoryServed);
            Assert.Equal(2, c.HistoryCount); // the direct message's id is held, its body is not
        }

        [Fact]
        public async Task A_caught_up_message_is_not_relayed_beyond_the_link_that_came_up()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a"), b = net.Start("b"), c = net.Start("c");
            await net.LinkAsync(b, c);
            PeerMessage old = a.Broadcast("said by a while it was alone");

            await net.LinkAsync(a, b);
            var inB = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(b, inB).Count == 1, Wait, "b caught up a's message");
            await net.TickAsync(3);

            Assert.True(inB[0].CaughtUp);
            Assert.Equal(old.Id, inB[0].Id);
            Assert.Equal(0, c.MessagesDelivered); // b-c was up before: c catches up only when a link of its own comes up
            Assert.Equal(0, b.MessagesRelayed);

            // A live message still crosses both links.
            PeerMessage live = a.Broadcast("live");
            await Eventually.UntilAsync(() => c.MessagesDelivered == 1, Wait, "c received the live message");
        }

        [Fact]
        public async Task Nothing_older_than_the_history_window_is_caught_up()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a", o => o.HistoryWindow = TimeSpan.FromMinutes(3));
            PeerNode b = net.Start("b", o => o.HistoryWindow = TimeSpan.FromMinutes(3));
            a.Broadcast("too old by the time b links");
            await net.JumpAsync(TimeSpan.FromMinutes(4));
            PeerMessage fresh = a.Broadcast("fresh");
            await net.LinkAsync(a, b);
            var inbox = new List<PeerMessage>();
            await Eventually.UntilAsync(() => Drain(b, inbox).Count >= 1, Wait, "b caught up the fresh message");
            await net.TickAsync(2);
            Assert.Equal(new[] { fresh.Id }, Drain(b, inbox).Select(m => m.Id));
            Assert.Equal(1, a.HistoryCount);
        }

        [Fact]
        public async Task With_HistoryWindow_zero_nothing_is_kept_asked_or_served()
        {
            using var net = new MemoryTestNetwork();
            PeerNode a = net.Start("a", o => o.HistoryWindow = TimeSpan.Zero);
            PeerNode b = net.Start("b");
            a.Broadcast("not kept");
            await net.LinkAsync(a, b);
            await net.TickAsync(2);
            Assert.Equal(0, a.HistoryCount);
            Assert.Equal(0, b.MessagesDelivered);
            Assert.Equal(1, a.HistoryRefused); // b asked; a has no history to give
        }
    }
}
