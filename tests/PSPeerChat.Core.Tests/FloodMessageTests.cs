using System.Linq;
using System.Text;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class FloodMessageTests
    {
        public static TheoryData<string, byte> Relays => new TheoryData<string, byte>
        {
            { "MESSAGE", 1 }, { "MESSAGE", 2 }, { "MESSAGE", 31 },
            { "ANNOUNCE", 1 }, { "ANNOUNCE", 30 },
        };

        [Theory]
        [MemberData(nameof(Relays))]
        public void CreateRelayFrame_changes_exactly_the_last_byte_and_the_copy_still_verifies(string kind, byte hops)
        {
            FloodMessage created = kind == "MESSAGE"
                ? Frames.NewMessage("alice", "relay me ✓", hopLimit: 32)
                : MessageFrame.CreateAnnounce(Frames.Signer, Id128.NewRandom(), "alice", 1_700_000_000_000, 32);
            FloodMessage original = Frames.Decode(Frames.WithHops(created.Frame, hops));
            byte[] before = (byte[])original.Frame.Clone();

            byte[] relay = original.CreateRelayFrame();

            Assert.Equal(before.Length, relay.Length);
            Assert.NotSame(original.Frame, relay);
            for (int i = 0; i < relay.Length; i++)
            {
                if (i == relay.Length - 1) Assert.Equal((byte)(hops + 1), relay[i]);
                else Assert.True(before[i] == relay[i], "byte " + i + " of " + relay.Length + " changed");
            }
            Assert.Equal(before, original.Frame); // the received frame is left alone
            Assert.Equal(hops, original.Hops);

            FloodMessage decoded = Frames.Decode(relay);
            Assert.Equal(hops + 1, decoded.Hops);
            Assert.Equal(original.Id, decoded.Id);
            Assert.Equal(original.Type, decoded.Type);
            Assert.Equal(original.Text, decoded.Text);
            Assert.True(MessageFrame.VerifySignature(decoded, new SignatureVerifier()), "the hop count is outside the signature");
        }

        [Fact]
        public void PrepareRelay_bumps_the_hop_count_in_place_and_the_frame_still_verifies()
        {
            FloodMessage received = Frames.Decode(Frames.WithHops(Frames.NewMessage("alice", "relayed in place", hopLimit: 32).Frame, 4));
            byte[] before = (byte[])received.Frame.Clone();

            byte[] relay = received.PrepareRelay();

            Assert.Same(received.Frame, relay); // no copy: the node's own copy of the received frame
            Assert.Equal(5, relay[relay.Length - 1]);
            Assert.Equal(before.Take(before.Length - 1), relay.Take(relay.Length - 1));
            Assert.Equal(4, received.Hops); // the decoded hop count (delivered as Hops) is unchanged
            Assert.True(MessageFrame.VerifySignature(Frames.Decode(relay), new SignatureVerifier()));
        }

        [Theory]
        [InlineData("bob", "hello", "bob: hello\n")]
        [InlineData("bob", "", "bob: \n")]
        [InlineData("bob", "one\ntwo", "bob: one two\n")]
        [InlineData("bob", "one\r\ntwo\rthree\n\nfour", "bob: one two three  four\n")]
        [InlineData("Zoë", "日本 🎉", "Zoë: 日本 🎉\n")]
        public void GetTextLine_is_name_colon_text_newline_with_newlines_flattened(string name, string text, string expected)
        {
            FloodMessage message = Frames.NewMessage(name, text);

            byte[] line = message.GetTextLine();

            Assert.Equal(expected, Encoding.UTF8.GetString(line));
            Assert.Equal(1, System.Linq.Enumerable.Count(line, b => b == (byte)'\n'));
            Assert.Equal(text, message.Text); // the message keeps its original text
        }

        [Fact]
        public void Announcements_and_direct_messages_have_no_text_line()
        {
            var recipient = NodeIdentity.Create();
            FloodMessage announce = MessageFrame.CreateAnnounce(Frames.Signer, Id128.NewRandom(), "alice", Frames.Now, 32);
            FloodMessage direct = DirectFrame.Create(Frames.Signer, "alice", Id128.NewRandom(), recipient.NodeId, recipient.EncryptionPublicKey, Frames.Now, 32, "secret");

            Assert.Null(announce.GetTextLine());
            Assert.Null(Frames.Decode(announce.Frame).GetTextLine());
            Assert.Null(direct.GetTextLine()); // a text peer must never get a direct message in clear
        }
    }
}
