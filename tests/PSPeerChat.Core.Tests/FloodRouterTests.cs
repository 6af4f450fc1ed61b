using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class FloodRouterTests
    {
        private readonly NodeIdentity _selfIdentity = NodeIdentity.Create();
        private readonly Id128 _self;
        private readonly FloodRouter _router;
        private readonly FakeLink _a = new FakeLink("a");
        private readonly FakeLink _b = new FakeLink("b");
        private readonly FakeLink _c = new FakeLink("c");
        private readonly IReadOnlyList<ILink> _links;

        public FloodRouterTests()
        {
            _self = _selfIdentity.NodeId;
            _router = new FloodRouter(new SeenCache(1000, TimeSpan.FromMinutes(10)), _self);
            _links = new ILink[] { _a, _b, _c };
        }

        /// <summary>A message as a neighbour forwards it: decoded from the wire with the given hop count.</summary>
        private static FloodMessage Received(byte hops = 1, byte hopLimit = 32, NodeIdentity origin = null)
        {
            return Frames.Decode(Frames.WithHops(Frames.NewMessage("remote", "text", hopLimit, origin).Frame, hops));
        }

        [Fact]
        public void First_copy_is_delivered_and_relayed_to_every_link_but_its_source_with_one_more_hop()
        {
            FloodMessage m = Received(hops: 3);
            byte[] received = (byte[])m.Frame.Clone();

            RouteResult result = _router.Route(m, _b, _links, out int relayed, out int dropped);

            Assert.Equal(RouteResult.Deliver, result);
            Assert.Equal(2, relayed);
            Assert.Equal(0, dropped);
            Assert.Empty(_b.Frames);
            Assert.Single(_a.Frames);
            Assert.Single(_c.Frames);
            foreach (FakeLink link in new[] { _a, _c })
            {
                OutboundFrame sent = link.Frames[0];
                Assert.Same(m, sent.Message);
                Assert.False(sent.CloseAfter);
                FloodMessage relayedCopy = Frames.Decode(sent.Frame);
                Assert.Equal(4, relayedCopy.Hops);
                Assert.Equal(m.Id, relayedCopy.Id);
                Assert.Equal(received.Take(received.Length - 1), sent.Frame.Take(sent.Frame.Length - 1)); // only the hop count differs
            }
            Assert.All(_a.Waits.Concat(_c.Waits), w => Assert.Equal(0, w)); // a relay never waits for a slow link
            Assert.True(_router.IsKnown(m.SeenKey));
        }

        [Fact]
        public void A_second_copy_is_a_duplicate_and_goes_nowhere()
        {
            FloodMessage m = Received();
            Assert.Equal(RouteResult.Deliver, _router.Route(m, _b, _links, out _, out _));
            int before = _a.Frames.Count + _b.Frames.Count + _c.Frames.Count;

            FloodMessage copy = Frames.Decode(m.CreateRelayFrame()); // the same id, arriving by another path
            RouteResult result = _router.Route(copy, _a, _links, out int relayed, out int dropped);

            Assert.Equal(RouteResult.Duplicate, result);
            Assert.Equal(0, relayed);
            Assert.Equal(0, dropped);
            Assert.Equal(before, _a.Frames.Count + _b.Frames.Count + _c.Frames.Count);
        }

        [Fact]
        public void Our_own_message_coming_back_is_a_self_echo_and_is_neither_delivered_nor_relayed()
        {
            FloodMessage echo = Received(hops: 4, origin: _selfIdentity);

            RouteResult result = _router.Route(echo, _a, _links, out int relayed, out _);

            Assert.Equal(RouteResult.SelfEcho, result);
            Assert.Equal(0, relayed);
            Assert.Empty(_a.Frames.Concat(_b.Frames).Concat(_c.Frames));
        }

        [Fact]
        public void At_the_hop_limit_a_message_is_delivered_but_not_relayed()
        {
            FloodMessage m = Received(hops: 5, hopLimit: 5);

            RouteResult result = _router.Route(m, _a, _links, out int relayed, out int dropped);

            Assert.Equal(RouteResult.Deliver, result);
            Assert.Equal(0, relayed);
            Assert.Equal(0, dropped);
            Assert.Empty(_a.Frames.Concat(_b.Frames).Concat(_c.Frames));
        }

        [Fact]
        public void One_below_the_hop_limit_a_message_is_still_relayed()
        {
            FloodMessage m = Received(hops: 4, hopLimit: 5);

            Assert.Equal(RouteResult.Deliver, _router.Route(m, _a, _links, out int relayed, out _));

            Assert.Equal(2, relayed);
            Assert.Equal(5, Frames.Decode(_b.Frames.Single().Frame).Hops);
        }

        [Fact]
        public void A_frame_that_ends_here_is_delivered_and_remembered_but_not_relayed()
        {
            FloodMessage m = Received(hops: 2);

            RouteResult result = _router.Route(m, _a, _links, relay: false, out int relayed, out int dropped);

            Assert.Equal(RouteResult.Deliver, result);
            Assert.Equal(0, relayed);
            Assert.Equal(0, dropped);
            Assert.Empty(_a.Frames.Concat(_b.Frames).Concat(_c.Frames));
            Assert.True(_router.IsKnown(m.SeenKey));
            Assert.Equal(RouteResult.Duplicate, _router.Route(Frames.Decode(m.CreateRelayFrame()), _b, _links, out _, out _));
        }

        [Fact]
        public void A_full_link_counts_as_dropped_and_does_not_stop_the_others()
        {
            var full = new FakeLink("full", full: true);
            var links = new ILink[] { _a, full, _b, _c };

            RouteResult result = _router.Route(Received(), _c, links, out int relayed, out int dropped);

            Assert.Equal(RouteResult.Deliver, result);
            Assert.Equal(2, relayed);
            Assert.Equal(1, dropped);
            Assert.Equal(1, full.Refused);
            Assert.Single(_a.Frames);
            Assert.Single(_b.Frames);
            Assert.Empty(_c.Frames);
        }

        [Fact]
        public void Originate_sends_the_original_frame_to_all_but_the_excluded_link_and_marks_it_seen()
        {
            FloodMessage mine = Frames.NewMessage("me", "my own", signer: _selfIdentity);

            _router.Originate(mine, _b, _links, 250, out int sent, out int dropped);

            Assert.Equal(2, sent);
            Assert.Equal(0, dropped);
            Assert.Empty(_b.Frames);
            Assert.Equal(mine.Frame, _a.Frames.Single().Frame);
            Assert.Equal(mine.Frame, _c.Frames.Single().Frame);
            Assert.Equal(1, Frames.Decode(_a.Frames[0].Frame).Hops);
            Assert.Equal(new[] { 250 }, _a.Waits); // a local sender may wait for room
            Assert.True(_router.IsKnown(mine.SeenKey));

            // A copy that comes back is dropped as a duplicate.
            Assert.Equal(RouteResult.Duplicate, _router.Route(Frames.Decode(Frames.WithHops(mine.Frame, 3)), _a, _links, out int relayed, out _));
            Assert.Equal(0, relayed);
        }

        [Fact]
        public void Originate_with_no_exclusion_sends_everywhere_and_counts_full_links()
        {
            var full = new FakeLink("full", full: true);

            _router.Originate(Frames.NewMessage(signer: _selfIdentity), null, new ILink[] { _a, full, _b }, 0, out int sent, out int dropped);

            Assert.Equal(2, sent);
            Assert.Equal(1, dropped);
            Assert.Single(_a.Frames);
            Assert.Single(_b.Frames);
        }
    }
}
