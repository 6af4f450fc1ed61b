using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Direct messages: flooded like broadcasts, readable only by their recipient; relays learn neither text nor sender.</summary>
    public class DirectMessageTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        [Fact]
        public async Task Along_a_line_only_the_recipient_reads_it_and_a_relays_neighbour_sees_no_text_no_sender()
        {
            using var net = new TestNetwork(5, "dm-line-node-");
            for (int i = 0; i < 4; i++) await net.LinkAsync(i, i + 1);
            var spyIdentity = NodeIdentity.Create();
            using var spy = await RawPeer.JoinAsync(net[2], spyIdentity, "spy");
            spy.StartCapture();
            await Eventually.UntilAsync(() => net[0].GetDirectory().Any(e => e.Id == net[4].Id && e.CanReceiveDirect), Wait, "node 0's directory knows node 4", net.DescribeDirectories);
            PeerDirectoryEntry entry = net[0].GetDirectory().Single(e => e.Id == net[4].Id);
            Assert.Equal("dm-line-node-4", entry.Name);
            Assert.Equal(4, entry.Hops);

            string secret = "meet at the old mill at 6 – ünïcødé 🦉 " + Guid.NewGuid();
            PeerMessage sent = net[0].SendDirect(net[4].Id, secret);

            Assert.True(sent.IsDirect);
            Assert.Equal(net[4].Id, sent.To);
            Assert.Equal(net[0].Id, sent.From);
            Assert.Equal(0, sent.Hops);
            PeerMessage got = await Task.Run(() => net[4].Receive(Wait));
            Assert.NotNull(got);
            Assert.Equal(sent.Id, got.Id);
            Assert.Equal(secret, got.Text);
            Assert.True(got.IsDirect);
            Assert.True(got.Verified);
            Assert.Equal(net[0].Id, got.From);
            Assert.Equal("dm-line-node-0", got.FromName);
            Assert.Equal(net[4].Id, got.To);
            Assert.Equal(4, got.Hops);
            Assert.Equal(net[3].Id, got.Via);
            Assert.Equal(PeerProtocol.PeerChat, got.Protocol);
            Assert.Equal(1, net[0].MessagesSent);

            // A broadcast behind it on the same links: once everyone has it, a copy of the direct message would have shown up too.
            PeerMessage marker = net[0].Broadcast("marker behind the direct message");
            await Eventually.UntilAsync(() => Enumerable.Range(1, 4).All(i => net.Collect(i).Any(m => m.Id == marker.Id)), Wait, "the marker reached nodes 1-4", net.Describe);
            for (int i = 1; i <= 3; i++)
            {
                Assert.Equal(new[] { marker.Id }, net.Inboxes[i].Select(m => m.Id));
                Assert.Equal(0, net[i].InvalidSignatures); // relays forward it without trying to open it
            }
            Assert.Equal(new[] { marker.Id }, net.Inboxes[4].Select(m => m.Id)); // the direct message was taken by Receive above
            Assert.Equal(2, net[4].MessagesDelivered); // the direct message and the marker, each once

            // What node 2 relayed to its extra neighbour: the DIRECT frame, and in it no text, no name, no id, no key of the sender.
            await Eventually.UntilAsync(() => spy.CapturedFrames().Any(b => b[0] == (byte)FrameType.Message && Id128.Read(b, Frames.BodyId).ToString() == marker.Id), Wait, "the spy got the marker");
            byte[] direct = spy.CapturedFrames().Single(b => b[0] == (byte)FrameType.Direct && Id128.Read(b, Frames.BodyId).ToString() == sent.Id);
            byte[] senderId = new byte[16];
            net[0].NodeId.Write(senderId, 0);
            Assert.False(Frames.Contains(direct, senderId), "the sender's id is visible to a relay's neighbour");
            Assert.False(Frames.Contains(direct, Encoding.UTF8.GetBytes("dm-line-node-0")), "the sender's name is visible");
            Assert.False(Frames.Contains(direct, net[0].Identity.SigningPublicKey), "the sender's key is visible");
            Assert.False(Frames.Contains(spy.ReceivedBytes(), Encoding.UTF8.GetBytes(secret)), "the text went past node 2 in clear");
            Assert.False(Frames.Contains(spy.ReceivedBytes(), Encoding.UTF8.GetBytes("old mill")), "part of the text went past node 2 in clear");
            Assert.Equal(net[4].NodeId, Id128.Read(direct, Frames.BodyId + 16)); // the recipient is all a relay learns
            Assert.Equal(3, direct[direct.Length - 1]); // 0 -> 1 -> 2 -> spy

            // Holding the frame is not enough to read it.
            FloodMessage relayed = DirectFrame.TryDecode(Frames.Prefixed(direct), ProtocolLimits.LengthPrefix, direct.Length, out string error);
            Assert.True(relayed != null, error);
            Assert.False(DirectFrame.TryOpen(relayed, spyIdentity, new SignatureVerifier(), out _, out _));
        }

        [Fact]
        public async Task A_padded_DIRECT_arrives_whole_and_the_frame_relayed_to_its_recipient_shows_only_a_size_class()
        {
            // sender - relay - recipient, and a spy on the relay: it gets the frames the relay passes to the recipient.
            using var net = new TestNetwork(new[] { "pad-sender", "pad-relay", "pad-recipient" });
            await net.LinkAsync(0, 1);
            await net.LinkAsync(1, 2);
            using var spy = await RawPeer.JoinAsync(net[1], NodeIdentity.Create(), "spy");
            spy.StartCapture();
            await Eventually.UntilAsync(() => net[0].GetDirectory().Any(e => e.Id == net[2].Id && e.CanReceiveDirect), Wait, "the sender's directory knows the recipient", net.DescribeDirectories);
            Assert.True(net[0].PadDirectMessages); // the default

            // Body 220 + 10 (the name) + text bytes, padded: 232 and 252 to 256, 332 to 512, 1,530 to 2,048, 4,230 to 6,144.
            var texts = new[] { "hi", "see you at the mill, 6", "ünïcødé 🦉 " + new string('.', 85), new string('x', 1300), new string('y', 4000) };
            var classes = new[] { 256, 256, 512, 2048, 6144 };
            PeerMessage[] sent = texts.Select(t => net[0].SendDirect(net[2].Id, t)).ToArray();

            await Eventually.UntilAsync(() => net.Collect(2).Count == texts.Length, Wait, "the recipient got all five", net.Describe);
            foreach (PeerMessage got in net.Inboxes[2])
            {
                int i = Array.FindIndex(sent, m => m.Id == got.Id);
                Assert.True(i >= 0, "an unknown message " + got.Id + " arrived");
                Assert.Equal(texts[i], got.Text);
                Assert.True(got.IsDirect);
                Assert.True(got.Verified);
                Assert.Equal(net[0].Id, got.From);
            }
            Assert.Equal(0, net[2].InvalidSignatures);

            await Eventually.UntilAsync(() => spy.CapturedFrames().Count(b => b[0] == (byte)FrameType.Direct) == texts.Length, Wait, "the spy got the five frames");
            for (int i = 0; i < texts.Length; i++)
            {
                byte[] direct = spy.CapturedFrames().Single(b => b[0] == (byte)FrameType.Direct && Id128.Read(b, Frames.BodyId).ToString() == sent[i].Id);
                Assert.Equal(classes[i], direct.Length);
                Assert.Equal(2, direct[direct.Length - 1]); // relayed once, as to the recipient
            }
        }

        [Fact]
        public async Task A_node_that_does_not_pad_and_one_that_does_read_each_others_direct_messages()
        {
            using var net = new TestNetwork(new[] { "pads", "relay", "no-pad" }, o => o.PadDirectMessages = o.Name != "no-pad");
            await net.LinkAsync(0, 1);
            await net.LinkAsync(1, 2);
            using var spy = await RawPeer.JoinAsync(net[1], NodeIdentity.Create(), "spy");
            spy.StartCapture();
            await Eventually.UntilAsync(() => net[0].GetDirectory().Any(e => e.Id == net[2].Id && e.CanReceiveDirect) && net[2].GetDirectory().Any(e => e.Id == net[0].Id && e.CanReceiveDirect), Wait, "both ends know each other", net.DescribeDirectories);
            Assert.True(net[0].PadDirectMessages);
            Assert.False(net[2].PadDirectMessages);

            PeerMessage padded = net[0].SendDirect(net[2].Id, "padded, for a node that does not pad");
            PeerMessage unpadded = net[2].SendDirect(net[0].Id, "unpadded, for a node that pads");

            PeerMessage atNoPad = await Task.Run(() => net[2].Receive(Wait));
            PeerMessage atPads = await Task.Run(() => net[0].Receive(Wait));
            Assert.Equal(padded.Id, atNoPad?.Id);
            Assert.Equal("padded, for a node that does not pad", atNoPad.Text);
            Assert.Equal(unpadded.Id, atPads?.Id);
            Assert.Equal("unpadded, for a node that pads", atPads.Text);
            Assert.Equal(0, net[0].InvalidSignatures + net[2].InvalidSignatures);

            await Eventually.UntilAsync(() => spy.CapturedFrames().Count(b => b[0] == (byte)FrameType.Direct) == 2, Wait, "the spy got both frames");
            byte[] Frame(PeerMessage m) => spy.CapturedFrames().Single(b => b[0] == (byte)FrameType.Direct && Id128.Read(b, Frames.BodyId).ToString() == m.Id);
            Assert.Equal(512, Frame(padded).Length); // 220 + 4 + 36 = 260: the next class
            Assert.Equal(220 + "no-pad".Length + "unpadded, for a node that pads".Length, Frame(unpadded).Length); // its length shows
        }

        [Theory]
        [InlineData("nobody-here")]
        [InlineData("ffffeeeedddd")]
        [InlineData("")]
        public void An_unknown_recipient_throws_ArgumentException_saying_so(string recipient)
        {
            using var net = new TestNetwork(1, "lonely");

            var e = Assert.Throws<ArgumentException>(() => net[0].SendDirect(recipient, "hello?"));

            Assert.Contains("No node '" + recipient + "'", e.Message);
            Assert.Contains("directory of lonely0", e.Message);
            Assert.Equal(0, net[0].MessagesSent);
        }

        [Fact]
        public async Task A_name_two_nodes_share_is_ambiguous_and_an_id_or_prefix_picks_the_one()
        {
            using var net = new TestNetwork(new[] { "hub", "twin", "twin" });
            await net.LinkAsync(1, 0);
            await net.LinkAsync(2, 0);
            await Eventually.UntilAsync(() => net[0].GetDirectory().Count(e => e.Name == "twin") == 2, Wait, "the hub's directory lists both twins", net.DescribeDirectories);

            var e = Assert.Throws<AmbiguousRecipientException>(() => net[0].SendDirect("TWIN", "which one?"));
            Assert.Contains("ambiguous", e.Message);
            Assert.Contains(net[1].ShortId, e.Message);
            Assert.Contains(net[2].ShortId, e.Message);
            Assert.Equal("recipient", e.ParamName);
            Assert.Equal(new[] { net[1].Id, net[2].Id }.OrderBy(x => x), e.Candidates.Select(c => c.Id).OrderBy(x => x));
            Assert.Equal(0, net[0].MessagesSent);

            PeerMessage byId = net[0].SendDirect(net[2].Id, "for the second twin");
            PeerMessage byPrefix = net[0].SendDirect(net[1].Id.Substring(0, 12), "for the first twin");
            Assert.Equal(net[2].Id, byId.To);
            Assert.Equal(net[1].Id, byPrefix.To);

            PeerMessage marker = net[0].Broadcast("marker");
            await Eventually.UntilAsync(() => net.Collect(1).Any(m => m.Id == marker.Id) && net.Collect(2).Any(m => m.Id == marker.Id), Wait, "both twins got the marker");
            Assert.Equal(new[] { "for the first twin", "marker" }, net.Inboxes[1].Select(m => m.Text));
            Assert.Equal(new[] { "for the second twin", "marker" }, net.Inboxes[2].Select(m => m.Text));
            Assert.All(net.Inboxes[1].Concat(net.Inboxes[2]).Where(m => m.IsDirect), m => Assert.Equal(net[0].Id, m.From));
        }

        [Fact]
        public async Task A_DIRECT_altered_on_the_way_is_dropped_and_counted_by_its_recipient_but_the_link_stays()
        {
            // Relays cannot check a DIRECT, so the neighbour that hands over a broken one is probably honest: the
            // recipient drops and counts it, and keeps the link (protocol.md Open point 5).
            using var net = new TestNetwork(2, "dmtamper");
            await net.LinkAsync(0, 1);
            var mallory = NodeIdentity.Create();
            using var raw = await RawPeer.JoinAsync(net[0], mallory, "mallory");
            // The recipient's encryption key is in its Noise identity payload: anyone linked to it can write to it.
            FloodMessage genuine = DirectFrame.Create(mallory, "mallory", Id128.NewRandom(), net[0].NodeId, raw.Remote.EncryptionKey, Frames.Now, 32, "a fine message");
            byte[] altered = (byte[])genuine.Frame.Clone();
            altered[altered.Length - 10] ^= 0x20; // a byte of the tag

            await raw.SendAsync(altered);
            await Eventually.UntilAsync(() => net[0].InvalidSignatures == 1, Wait, "the recipient counted the altered DIRECT");

            // The same sender, untampered, with a fresh id on the same link, is read and attributed.
            FloodMessage fresh = DirectFrame.Create(mallory, "mallory", Id128.NewRandom(), net[0].NodeId, raw.Remote.EncryptionKey, Frames.Now, 32, "a fine message");
            await raw.SendAsync(fresh.Frame);
            PeerMessage got = await Task.Run(() => net[0].Receive(Wait));
            Assert.NotNull(got);
            Assert.Equal(fresh.Id.ToString(), got.Id);
            Assert.Equal("a fine message", got.Text);
            Assert.Equal(mallory.NodeId.ToString(), got.From);
            Assert.True(got.Verified);
            Assert.True(got.IsDirect);

            Assert.Equal(0, net[0].InboxCount); // the altered one never arrived
            Assert.Equal(1, net[0].MessagesDelivered);
            Assert.Equal(1, net[0].InvalidSignatures);
            Assert.Contains(net[0].GetPeers(), p => p.Id == mallory.NodeId.ToString() && p.State == PeerState.Connected);
            Assert.Equal(0, net[1].InvalidSignatures); // both were for node 0, which does not relay its own
            Assert.Equal(0, net[1].InboxCount);
            Assert.Equal(0, net[0].MessagesRelayed);
        }

        [Fact]
        public async Task A_tampered_copy_that_arrives_first_does_not_suppress_the_genuine_DIRECT()
        {
            using var net = new TestNetwork(1, "dmfirst");
            var sender = NodeIdentity.Create();
            using var raw = await RawPeer.JoinAsync(net[0], NodeIdentity.Create(), "mallory");
            FloodMessage genuine = DirectFrame.Create(sender, "sender", Id128.NewRandom(), net[0].NodeId, raw.Remote.EncryptionKey, Frames.Now, 32, "the real one");
            byte[] altered = (byte[])genuine.Frame.Clone();
            altered[altered.Length - 10] ^= 0x20;

            await raw.SendAsync(altered);
            await Eventually.UntilAsync(() => net[0].InvalidSignatures == 1, Wait, "the recipient counted the altered copy");

            using var honest = await RawPeer.JoinAsync(net[0], NodeIdentity.Create(), "honest relay");
            await honest.SendAsync(genuine.Frame);
            PeerMessage got = await Task.Run(() => net[0].Receive(TimeSpan.FromSeconds(3)));
            Assert.True(got != null, "the genuine direct message was dropped as a duplicate of the tampered copy (DuplicatesDropped " + net[0].DuplicatesDropped + ")");
            Assert.Equal("the real one", got.Text);
        }
    }
}
