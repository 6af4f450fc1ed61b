using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Valid signed frames sent again later: while the seen cache remembers them they are duplicates; once it has
    /// forgotten them, their timestamp is outside the acceptance window. Either way nobody gets them twice.
    /// </summary>
    public class SecurityReplayTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;


        private static bool Has(TestNetwork net, int node, string id) => net.Collect(node).Any(m => m.Id == id);

        [Theory]
        [InlineData("a broadcast of C the raw peer received through B")]
        [InlineData("a message the raw peer made itself and sent once")]
        public async Task A_frame_replayed_on_a_new_link_after_it_was_seen_is_delivered_nowhere_again(string source)
        {
            using var net = await TestNetwork.LinkedPairAsync("replay");
            var first = NodeIdentity.Create();
            byte[] captured;
            string id;
            using (var r1 = await RawPeer.JoinAsync(net[0], first, "first"))
            {
                if (source.StartsWith("a broadcast"))
                {
                    PeerMessage m = net[1].Broadcast("C says this once");
                    id = m.Id;
                    byte[] body = await r1.ReadFrameAsync(b => b[0] == (byte)FrameType.Message && Id128.Read(b, Frames.BodyId).ToString() == m.Id, Wait, "C's broadcast relayed by B");
                    Assert.NotNull(body);
                    captured = Frames.Prefixed(body);
                    Assert.Equal(2, captured[captured.Length - 1]); // C to B, B to the raw peer
                }
                else
                {
                    FloodMessage own = Frames.LiveMessage(first, "first", "said once");
                    id = own.Id.ToString();
                    captured = own.Frame;
                    await r1.SendAsync(captured);
                }
                await Eventually.UntilAsync(() => Has(net, 0, id) && (source.StartsWith("a broadcast") || Has(net, 1, id)), Wait, "the first copy was delivered", net.Describe);
            }
            long duplicatesB = net[0].DuplicatesDropped;
            long duplicatesC = net[1].DuplicatesDropped;

            // The same bytes on a new link to B, and on a new link straight to C.
            var second = NodeIdentity.Create();
            using var r2 = await RawPeer.JoinAsync(net[0], second, "second");
            using var r3 = await RawPeer.JoinAsync(net[1], NodeIdentity.Create(), "third");
            await r2.SendAsync(captured);
            await r3.SendAsync(captured);
            await Eventually.UntilAsync(() => net[0].DuplicatesDropped > duplicatesB && net[1].DuplicatesDropped > duplicatesC, Wait, "B and C dropped the replay as a duplicate",
                () => "B " + net[0].DuplicatesDropped + ", C " + net[1].DuplicatesDropped);

            // A marker behind the replay on the same link: once C has it, anything the replay caused would have arrived.
            FloodMessage marker = Frames.LiveMessage(second, "second", "marker after the replay");
            await r2.SendAsync(marker.Frame);
            await Eventually.UntilAsync(() => Has(net, 0, marker.Id.ToString()) && Has(net, 1, marker.Id.ToString()), Wait, "the marker reached B and C", net.Describe);

            Assert.Equal(new[] { id, marker.Id.ToString() }, net.Inboxes[0].Select(m => m.Id));
            Assert.Equal(source.StartsWith("a broadcast") ? new[] { marker.Id.ToString() } : new[] { id, marker.Id.ToString() }, net.Inboxes[1].Select(m => m.Id));
            Assert.Equal(0, net[0].ReplaysRefused + net[1].ReplaysRefused); // remembered, so not a question of time
            Assert.Equal(0, net[0].InvalidSignatures + net[1].InvalidSignatures);
            Assert.Contains(net[0].GetPeers(), p => p.Id == second.NodeId.ToString()); // a duplicate is no offence: the link stays
        }

        [Fact]
        public async Task A_frame_replayed_after_the_seen_cache_forgot_it_is_refused_by_its_timestamp()
        {
            var lifetime = TimeSpan.FromSeconds(3);
            using var net = new TestNetwork(1, "forget", o =>
            {
                o.SeenCacheLifetime = lifetime;
                o.HistoryWindow = TimeSpan.Zero; // a seen cache this short cannot back a history window
                o.AcceptanceWindow = TimeSpan.FromSeconds(1);
                o.MaxClockSkew = TimeSpan.FromSeconds(0.5);
            });
            var origin = NodeIdentity.Create();
            FloodMessage m = Frames.LiveMessage(origin, "origin", "valid once");
            Stopwatch sinceSeen;
            using (var r1 = await RawPeer.JoinAsync(net[0], origin, "origin"))
            {
                await r1.SendAsync(m.Frame);
                await Eventually.UntilAsync(() => net[0].MessagesDelivered == 1, Wait, "B delivered the first copy");
                sinceSeen = Stopwatch.StartNew(); // B recorded the id before it delivered: at least this long ago
            }

            // No accessor shows the node's seen cache, so wait on the clock: once a lifetime has passed, the id is gone.
            await Eventually.UntilAsync(() => sinceSeen.Elapsed >= lifetime + TimeSpan.FromMilliseconds(100), lifetime + TimeSpan.FromSeconds(5), "the seen cache's lifetime has passed");
            long duplicates = net[0].DuplicatesDropped;

            var replayer = NodeIdentity.Create();
            using var r2 = await RawPeer.JoinAsync(net[0], replayer, "replayer");
            await r2.SendAsync(m.Frame);
            await Eventually.UntilAsync(() => net[0].ReplaysRefused == 1, Wait, "B refused the stale frame", () => "ReplaysRefused " + net[0].ReplaysRefused + ", duplicates " + net[0].DuplicatesDropped);

            Assert.Equal(duplicates, net[0].DuplicatesDropped); // it had really been forgotten: only the timestamp stopped it
            FloodMessage marker = Frames.LiveMessage(replayer, "replayer", "fresh marker");
            await r2.SendAsync(marker.Frame);
            await Eventually.UntilAsync(() => Has(net, 0, marker.Id.ToString()), Wait, "the fresh marker was delivered");
            Assert.Equal(new[] { m.Id.ToString(), marker.Id.ToString() }, net.Inboxes[0].Select(x => x.Id));
            Assert.Equal(2, net[0].MessagesDelivered);
            Assert.Equal(1, net[0].ReplaysRefused);
        }

        [Fact]
        public async Task A_frame_pushed_out_of_a_full_seen_cache_early_is_refused_once_older_than_what_the_cache_remembers()
        {
            // The count bound forgets ids long before their lifetime, so the window shrinks with the cache's horizon,
            // down to a floor of 10 s (below it every fresh frame would be refused under load). A frame older than the
            // floor and evicted early is refused although it is well inside the 30 s AcceptanceWindow.
            const int capacity = 8;
            var floor = TimeSpan.FromSeconds(10);
            using var net = new TestNetwork(1, "evict", o =>
            {
                o.SeenCacheCapacity = capacity;
                o.SeenCacheLifetime = TimeSpan.FromMinutes(1);
                o.HistoryWindow = TimeSpan.Zero; // a seen cache this short cannot back a history window
                o.AcceptanceWindow = TimeSpan.FromSeconds(30);
                o.MaxClockSkew = TimeSpan.FromSeconds(0.5);
            });
            var origin = NodeIdentity.Create();
            FloodMessage first = Frames.LiveMessage(origin, "origin", "the first, soon forgotten");
            var sinceStamped = Stopwatch.StartNew();
            using (var r1 = await RawPeer.JoinAsync(net[0], origin, "origin"))
            {
                await r1.SendAsync(first.Frame);
                await Eventually.UntilAsync(() => net[0].MessagesDelivered == 1, Wait, "B delivered the first frame");
            }
            await Eventually.UntilAsync(() => sinceStamped.Elapsed >= floor + TimeSpan.FromSeconds(1), floor + TimeSpan.FromSeconds(10), "the first frame is older than the floor");

            // Enough fresh frames to fill the cache and evict every entry up to and including the first one (the cache
            // is a FIFO, so the first frame and anything older go before any of these). A fresh link: a raw peer silent
            // for longer than IdleTimeout would have been dropped.
            const int burst = capacity + 5;
            using (var filler = await RawPeer.JoinAsync(net[0], origin, "origin"))
            {
                for (int i = 0; i < burst; i++) await filler.SendAsync(Frames.LiveMessage(origin, "origin", "filler " + i).Frame);
                await Eventually.UntilAsync(() => net[0].MessagesDelivered + net[0].ReplaysRefused == 1 + burst, Wait, "B handled the burst",
                    () => "delivered " + net[0].MessagesDelivered + ", refused " + net[0].ReplaysRefused);
            }
            Assert.Equal(1 + burst, net[0].MessagesDelivered); // fresh frames pass, thanks to the floor
            long duplicates = net[0].DuplicatesDropped;
            long refused = net[0].ReplaysRefused;
            long delivered = net[0].MessagesDelivered;

            using var r2 = await RawPeer.JoinAsync(net[0], NodeIdentity.Create(), "replayer");
            await r2.SendAsync(first.Frame);
            await Eventually.UntilAsync(() => net[0].ReplaysRefused > refused || net[0].MessagesDelivered > delivered || net[0].DuplicatesDropped > duplicates, Wait, "B decided on the replay");

            Assert.Equal(duplicates, net[0].DuplicatesDropped); // the id really was forgotten...
            Assert.Equal(delivered, net[0].MessagesDelivered);  // ...and still the frame was not delivered twice
            Assert.Equal(refused + 1, net[0].ReplaysRefused);
            Assert.Single(net.Collect(0), m => m.Id == first.Id.ToString());
        }

        [Theory]
        [InlineData(+10 * 60, false)] // ten minutes ahead: far beyond MaxClockSkew (30 s)
        [InlineData(-6 * 60, false)]  // six minutes old: beyond AcceptanceWindow (5 min)
        [InlineData(+20, true)]       // a clock 20 s fast is tolerated
        [InlineData(-4 * 60, true)]   // four minutes in transit is still inside the window
        public async Task The_timestamp_must_be_inside_the_acceptance_window(int offsetSeconds, bool accepted)
        {
            using var net = await TestNetwork.LinkedPairAsync("window");
            var origin = NodeIdentity.Create();
            using var raw = await RawPeer.JoinAsync(net[0], origin, "origin");
            FloodMessage m = Frames.NewMessage("origin", "stamped " + offsetSeconds + " s off", signer: origin, timestampMs: Frames.Now + offsetSeconds * 1000L);

            await raw.SendAsync(m.Frame);
            FloodMessage marker = Frames.LiveMessage(origin, "origin", "marker");
            await raw.SendAsync(marker.Frame);
            await Eventually.UntilAsync(() => Has(net, 0, marker.Id.ToString()) && Has(net, 1, marker.Id.ToString()), Wait, "the marker reached B and C", net.Describe);

            var expected = accepted ? new[] { m.Id.ToString(), marker.Id.ToString() } : new[] { marker.Id.ToString() };
            Assert.Equal(expected, net.Inboxes[0].Select(x => x.Id));
            Assert.Equal(expected, net.Inboxes[1].Select(x => x.Id));
            Assert.Equal(accepted ? 0 : 1, net[0].ReplaysRefused);
            Assert.Equal(0, net[1].ReplaysRefused); // a refused frame is not relayed
            Assert.Contains(net[0].GetPeers(), p => p.Id == origin.NodeId.ToString()); // a wrong clock is not an attack: the link stays
        }
    }
}
