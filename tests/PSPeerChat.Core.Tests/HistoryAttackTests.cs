using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.History;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// History catch-up (protocol.md §3.14) as a hostile neighbour would use it: a raw peer that completes the handshake,
    /// then answers the node's HISTORY-REQUEST with what it likes, or asks again and again.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class HistoryAttackTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

        private static byte[] CatchUp(byte[] flooded) => HistoryFrame.WrapCatchUp(flooded);

        private static async Task<byte[]> ReadRequestAsync(RawPeer raw)
        {
            byte[] request = await raw.ReadFrameAsync(b => b[0] == (byte)FrameType.HistoryRequest, Wait, "HISTORY-REQUEST");
            Assert.NotNull(request);
            return request;
        }

        [Fact]
        public async Task A_caught_up_frame_with_a_forged_signature_is_refused_and_the_link_closed()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            var origin = NodeIdentity.Create();
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "forger");
            await ReadRequestAsync(raw);

            byte[] forged = (byte[])Frames.LiveMessage(origin, "origin", "words origin never signed").Frame.Clone();
            forged[Frames.SignatureIndex(forged) + 3] ^= 0x40;
            await raw.SendAsync(CatchUp(forged));

            var (reason, _) = await raw.ReadCloseAsync(Wait);
            Assert.Equal(CloseReason.ProtocolError, reason);
            Assert.Equal(1, node.InvalidSignatures);
            Assert.Equal(0, node.MessagesDelivered);
            Assert.Equal(0, node.HistoryCount);
        }

        [Fact]
        public async Task A_caught_up_frame_older_than_the_history_window_is_refused()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim", o => o.HistoryWindow = TimeSpan.FromMinutes(10));
            var origin = NodeIdentity.Create();
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "replayer");
            await ReadRequestAsync(raw);

            FloodMessage old = Frames.NewMessage("origin", "eleven minutes old", signer: origin, timestampMs: Frames.Now - (long)TimeSpan.FromMinutes(11).TotalMilliseconds);
            FloodMessage recent = Frames.NewMessage("origin", "nine minutes old", signer: origin, timestampMs: Frames.Now - (long)TimeSpan.FromMinutes(9).TotalMilliseconds);
            await raw.SendAsync(Frames.Concat(CatchUp(old.Frame), CatchUp(recent.Frame), HistoryFrame.EncodeEnd(HistoryFrame.Done)));

            await Eventually.UntilAsync(() => node.MessagesDelivered == 1 && node.ReplaysRefused == 1, Wait, "the recent one delivered, the old one refused", () => node.MessagesDelivered + " delivered, " + node.ReplaysRefused + " refused");
            PeerMessage got = node.Receive(TimeSpan.Zero);
            Assert.Equal(recent.Id.ToString(), got.Id);
            Assert.True(got.CaughtUp);
            Assert.Equal(0, node.MessagesRelayed);
        }

        [Fact]
        public async Task Unsolicited_CATCHUP_frames_and_bytes_past_the_budget_asked_are_dropped_and_counted()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            var origin = NodeIdentity.Create();
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "pusher");
            byte[] request = await ReadRequestAsync(raw);
            int asked = (int)BigEndian.ReadUInt32(request, 9);

            // Answer within the budget with large frames until one more would pass it: that one is dropped.
            string text = new string('x', 60000);
            var frames = new List<byte[]>();
            long total = 0;
            while (total <= asked)
            {
                byte[] wrapped = CatchUp(Frames.LiveMessage(origin, "origin", text).Frame);
                frames.Add(wrapped);
                total += wrapped.Length;
            }
            await raw.SendAsync(Frames.Concat(frames.ToArray()));
            await Eventually.UntilAsync(() => node.HistoryDropped == 1, Wait, "the frame past the budget was dropped", () => node.HistoryDropped + " dropped, " + node.MessagesDelivered + " delivered");
            Assert.Equal(frames.Count - 1, node.MessagesDelivered);

            // The answer ends; a CATCHUP after it was asked for by nobody.
            await raw.SendAsync(HistoryFrame.EncodeEnd(HistoryFrame.Done));
            await raw.SendAsync(CatchUp(Frames.LiveMessage(origin, "origin", "nobody asked").Frame));
            await Eventually.UntilAsync(() => node.HistoryDropped == 2, Wait, "the unsolicited CATCHUP was dropped");
            Assert.Equal(frames.Count - 1, node.MessagesDelivered);
            Assert.Equal(frames.Count - 1, node.CaughtUp);
        }

        [Fact]
        public async Task A_requester_asking_again_and_again_is_refused_once_it_had_HistoryBytes()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("server", o => o.HistoryBytes = 1024 * 1024);
            var origin = NodeIdentity.Create();
            using (RawPeer feeder = await RawPeer.JoinAsync(net.Network, node, origin, "origin"))
            {
                for (int i = 0; i < 12; i++) await feeder.SendAsync(Frames.LiveMessage(origin, "origin", i + new string('h', 60000)).Frame);
                await Eventually.UntilAsync(() => node.MessagesDelivered == 12, Wait, "the server holds twelve large messages");
            }

            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "leech");
            long received = 0;
            int refused = 0;
            for (int round = 0; round < 40 && refused == 0; round++)
            {
                // An empty filter every time: "I have nothing, send me everything", with a budget that ends each answer in
                // "more" (a request is served only first or after "more"), so the same frames are asked for again and again.
                await raw.SendAsync(HistoryFrame.EncodeRequest(0, 200_000, 1, new byte[HistoryFrame.SaltSize], new byte[0]));
                while (true)
                {
                    byte[] frame = await raw.ReadFrameAsync(b => b[0] == (byte)FrameType.CatchUp || b[0] == (byte)FrameType.HistoryEnd, Wait, "the answer");
                    Assert.NotNull(frame);
                    if (frame[0] == (byte)FrameType.CatchUp)
                    {
                        received += ProtocolLimits.LengthPrefix + frame.Length;
                        continue;
                    }
                    if (frame[1] == HistoryFrame.Refused) refused++;
                    break;
                }
            }

            Assert.Equal(1, refused);
            Assert.InRange(received, 1, 1024 * 1024); // never more than HistoryBytes per window to one link
            Assert.True(received > 12 * 60000, "it was the share that ran out (" + received + " bytes served), not the frames");
            Assert.Equal(1, node.HistoryRefused);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_request_after_done_or_an_empty_more_is_refused_without_a_pass_over_the_history(bool oneByteBudget)
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("server");
            var origin = NodeIdentity.Create();
            var keys = new List<Id128>();
            using (RawPeer feeder = await RawPeer.JoinAsync(net.Network, node, origin, "origin"))
            {
                for (int i = 0; i < 50; i++)
                {
                    FloodMessage m = Frames.LiveMessage(origin, "origin", "held " + i);
                    keys.Add(m.SeenKey);
                    await feeder.SendAsync(m.Frame);
                }
                await Eventually.UntilAsync(() => node.MessagesDelivered == 50, Wait, "the server holds fifty messages");
            }

            // A filter that names everything the server holds: each request costs the server a pass over its history and
            // sends nothing back, so an asker could repeat it for the price of a 30-byte frame.
            byte[] salt = new byte[HistoryFrame.SaltSize];
            Id128.NewRandom().Write(salt, 0);
            KeyFilter all = KeyFilter.ForKeys(keys.Count, HistoryFrame.MaxFilterBytes, salt);
            foreach (Id128 key in keys) all.Add(key);
            byte[] request = HistoryFrame.EncodeRequest(0, HistoryFrame.MaxBudget, all.Hashes, salt, all.Bits);
            // Or an empty filter with a budget no frame fits in: "more" with nothing sent, where an honest asker stops.
            if (oneByteBudget) request = HistoryFrame.EncodeRequest(0, 1, 1, salt, new byte[0]);

            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "grinder");
            var answers = new List<byte>();
            for (int i = 0; i < 30; i++)
            {
                await raw.SendAsync(request);
                byte[] end = await raw.ReadFrameAsync(b => b[0] == (byte)FrameType.HistoryEnd || b[0] == (byte)FrameType.CatchUp, Wait, "the answer");
                Assert.NotNull(end);
                Assert.Equal((byte)FrameType.HistoryEnd, end[0]); // nothing is missing: no CATCHUP
                answers.Add(end[1]);
            }

            Assert.Equal(oneByteBudget ? HistoryFrame.More : HistoryFrame.Done, answers[0]);
            Assert.All(answers.Skip(1), status => Assert.Equal(HistoryFrame.Refused, status));
            Assert.Equal(29, node.HistoryRefused);
            Assert.Equal(PeerState.Connected, Assert.Single(node.GetPeers()).State); // refused, not a fault: the link stays
        }

        [Fact]
        public async Task A_peer_filling_the_store_past_HistoryBytes_leaves_it_within_its_bytes()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim", o => o.HistoryBytes = PeerNodeOptions.MinHistoryBytes);
            var origin = NodeIdentity.Create();
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, origin, "filler");
            for (int i = 0; i < 40; i++) await raw.SendAsync(Frames.LiveMessage(origin, "filler", i + new string('f', 10000)).Frame);
            await Eventually.UntilAsync(() => node.MessagesDelivered == 40, Wait, "every message was accepted");

            Assert.InRange(node.HistoryBytesHeld, 1, PeerNodeOptions.MinHistoryBytes);
            Assert.True(node.HistoryEvicted >= 25, node.HistoryEvicted + " evicted");
        }
    }
}
