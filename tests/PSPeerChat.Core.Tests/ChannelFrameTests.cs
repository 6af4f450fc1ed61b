using System;
using System.Linq;
using System.Text;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The channel field of MESSAGE (protocol.md §3.2), channel names and patterns, and sealed texts (§3.12).</summary>
    public class ChannelFrameTests
    {
        private static readonly NodeIdentity Origin = NodeIdentity.Create();
        private static readonly Lazy<byte[]> BoardKey = new Lazy<byte[]>(() => ChannelSeal.DeriveKey("correct horse battery staple", "board"));

        private static FloodMessage TryDecode(byte[] frame, out string error) => MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out error);

        private static FloodMessage OnChannel(string channel, string text = "hi", string name = "ann", byte[] key = null) =>
            MessageFrame.CreateMessage(Origin, Id128.NewRandom(), name, 1_700_000_000_000, 32, MessageFlags.None, text, true, channel, key);

        [Theory]
        [InlineData("")]
        [InlineData("ops")]
        [InlineData("Zoë-日本")]
        [InlineData("0123456789abcdef0123456789abcdef")] // 32 bytes, the limit
        public void A_channel_travels_after_the_name_and_decodes(string channel)
        {
            FloodMessage created = OnChannel(channel, "hello");
            int c = Encoding.UTF8.GetByteCount(channel);

            Assert.Equal(Frames.MessageMinBody + 3 + c + 5, Frames.BodyLength(created.Frame));
            Assert.Equal(c, created.Frame[Frames.ChannelLengthIndex(created.Frame)]);
            Assert.Equal(channel, Encoding.UTF8.GetString(created.Frame, Frames.ChannelLengthIndex(created.Frame) + 1, c));

            FloodMessage decoded = TryDecode(created.Frame, out string error);
            Assert.True(decoded != null, error);
            Assert.Equal(channel, decoded.Channel);
            Assert.Equal("hello", decoded.Text);
            Assert.Equal("ann", decoded.OriginName);
            Assert.True(MessageFrame.VerifySignature(decoded, new SignatureVerifier()));
        }

        [Fact]
        public void Every_truncation_of_a_MESSAGE_with_a_channel_is_refused_or_fails_the_signature()
        {
            byte[] frame = Frames.WithHops(OnChannel("ops", "cut me anywhere", "trunc").Frame, 7);
            var verifier = new SignatureVerifier();
            int body = Frames.BodyLength(frame);
            int channelAt = Frames.ChannelLengthIndex(frame) - ProtocolLimits.LengthPrefix;

            for (int length = 0; length < body; length++)
            {
                byte[] cut = Frames.Prefixed(Frames.Body(frame).Take(length).ToArray());
                FloodMessage m = MessageFrame.TryDecode(cut, ProtocolLimits.LengthPrefix, length, out string error);
                if (length <= channelAt + Frames.Trailer) Assert.True(m == null, "cut at " + length + " decoded"); // the channel field is not all there
                if (m == null)
                {
                    Assert.False(string.IsNullOrEmpty(error));
                    continue;
                }
                Assert.False(MessageFrame.VerifySignature(m, verifier), "cut at " + length + " of " + body + " still verifies");
            }
            Assert.True(MessageFrame.VerifySignature(Frames.Decode(frame), verifier));
        }

        [Fact]
        public void The_signature_covers_the_channel()
        {
            byte[] frame = OnChannel("ops", "deploy at five").Frame;
            int at = Frames.ChannelLengthIndex(frame) + 1;
            frame[at + 2] = (byte)'t'; // "opt": still a valid channel

            FloodMessage moved = TryDecode(frame, out string error);

            Assert.True(moved != null, error);
            Assert.Equal("opt", moved.Channel);
            Assert.False(MessageFrame.VerifySignature(moved, new SignatureVerifier()));
        }

        [Theory]
        [InlineData("0123456789abcdef0123456789abcdefX")] // 33 bytes
        [InlineData("ééééééééééééééééé")] // 34 bytes
        [InlineData("two words")]
        [InlineData("tab\there")]
        [InlineData("bell\u0007")]
        [InlineData("rtl\u202Eoverride")]
        [InlineData("o*")]
        [InlineData("o?")]
        [InlineData("[ops]")]
        public void Invalid_channel_names_are_refused_when_sending_and_when_received(string channel)
        {
            Assert.NotNull(ChannelName.Check(channel));
            Assert.Throws<ArgumentException>(() => OnChannel(channel));

            byte[] bytes = Encoding.UTF8.GetBytes(channel);
            byte[] frame = Forged(bytes);
            Assert.Null(TryDecode(frame, out string error));
            Assert.Contains("channel", error);
        }

        [Fact]
        public void A_channel_that_is_not_UTF8_or_runs_past_the_text_is_refused()
        {
            Assert.Contains("channel", Error(Forged(new byte[] { (byte)'o', 0xFF })));
            byte[] frame = OnChannel("ops", "").Frame;
            frame[Frames.ChannelLengthIndex(frame)] = 20; // past the signature's start
            Assert.Contains("channel length", Error(frame));
        }

        [Fact]
        public void Names_are_normalized_and_compared_without_case()
        {
            Assert.Equal("ops", ChannelName.Parse("#ops", "x"));
            Assert.Equal("ops", ChannelName.Parse("  ops ", "x"));
            Assert.Equal(string.Empty, ChannelName.Parse(null, "x"));
            Assert.True(ChannelName.Comparer.Equals("Ops", "oPS"));
            Assert.Throws<ArgumentException>(() => ChannelName.Parse("#a b", "x"));
        }

        [Theory]
        [InlineData("*", "", true)]
        [InlineData("*", "ops", true)]
        [InlineData("o*", "ops", true)]
        [InlineData("o*", "OPS", true)]
        [InlineData("o*", "", false)]
        [InlineData("o*", "dev", false)]
        [InlineData("", "", true)]
        [InlineData("", "ops", false)]
        [InlineData("#ops", "ops", true)]
        [InlineData("o?s", "ops", true)]
        [InlineData("o?s", "oops", false)]
        [InlineData("team-[a-c]", "team-B", true)]
        [InlineData("team-[a-c]", "team-d", false)]
        [InlineData("*-*-*", "a-b-c", true)]
        [InlineData("*-*-*", "a-b", false)]
        public void Patterns_match_as_documented(string pattern, string channel, bool expected)
        {
            Assert.Equal(expected, ChannelPattern.Parse(pattern).IsMatch(channel));
        }

        [Fact]
        public void A_sealed_text_opens_only_with_the_key_and_hides_the_plaintext()
        {
            FloodMessage created = OnChannel("board", "quarterly numbers", key: BoardKey.Value);
            Assert.True(created.IsSealed);
            Assert.Equal(MessageFlags.Sealed, created.Flags & MessageFlags.Sealed);
            Assert.False(Frames.Contains(created.Frame, Encoding.UTF8.GetBytes("quarterly")));
            Assert.Equal(Frames.MessageMinBody + 3 + 5 + ChannelSeal.Overhead + 17, Frames.BodyLength(created.Frame));

            FloodMessage decoded = TryDecode(created.Frame, out string error);
            Assert.True(decoded != null, error);
            Assert.True(decoded.IsSealed);
            Assert.Null(decoded.Text);
            Assert.Equal("board", decoded.Channel);
            Assert.True(MessageFrame.VerifySignature(decoded, new SignatureVerifier())); // relays verify sealed frames like any other

            byte[] plain = Open(decoded, BoardKey.Value);
            Assert.Equal("quarterly numbers", Encoding.UTF8.GetString(plain));
            byte[] other = (byte[])BoardKey.Value.Clone();
            other[0] ^= 1;
            Assert.Null(Open(decoded, other));
        }

        [Fact]
        public void The_key_depends_on_passphrase_and_channel_but_not_on_the_channels_case()
        {
            byte[] upper = ChannelSeal.DeriveKey("correct horse battery staple", "BOARD");
            Assert.Equal(BoardKey.Value, upper);
            Assert.NotEqual(BoardKey.Value, ChannelSeal.DeriveKey("correct horse battery stapler", "board"));
            Assert.NotEqual(BoardKey.Value, ChannelSeal.DeriveKey("correct horse battery staple", "boards"));
            Assert.Equal(32, upper.Length);
        }

        [Fact]
        public void The_lobby_cannot_be_sealed_and_a_sealed_lobby_frame_is_malformed()
        {
            Assert.Throws<ArgumentException>(() => OnChannel("", key: BoardKey.Value));
            byte[] frame = OnChannel("", "hi").Frame;
            frame[ProtocolLimits.LengthPrefix + Frames.BodyFlags] |= (byte)MessageFlags.Sealed;
            Assert.Contains("sealed", Error(frame));
        }

        [Fact]
        public void ANNOUNCE_keeps_its_version_4_layout()
        {
            FloodMessage announce = MessageFrame.CreateAnnounce(Origin, Id128.NewRandom(), "ann", 1_700_000_000_000, 9);
            Assert.Equal(173 + 3, Frames.BodyLength(announce.Frame));
            FloodMessage decoded = TryDecode(announce.Frame, out string error);
            Assert.True(decoded != null, error);
            Assert.Equal(string.Empty, decoded.Channel);
            Assert.Equal(Origin.EncryptionPublicKey, MessageFrame.AnnouncedKey(decoded));
        }

        private static string Error(byte[] frame)
        {
            Assert.Null(TryDecode(frame, out string error));
            return error;
        }

        private static byte[] Open(FloodMessage m, byte[] key) =>
            ChannelSeal.TryOpen(key, m.OriginId, m.Id, m.Frame, m.ChannelOffset, m.ChannelLength, m.PayloadOffset, m.PayloadLength);

        /// <summary>A MESSAGE with these channel bytes whatever they are, signed by <see cref="Origin"/>, as a hostile origin would build it.</summary>
        internal static byte[] Forged(byte[] channel, NodeIdentity signer = null, long? timestampMs = null) => HostileFrames.Message(signer ?? Origin, channel, "x", timestampMs ?? 1_700_000_000_000);
    }

    /// <summary>Frames built byte by byte, as a hostile peer writes them, without the codec's checks.</summary>
    internal static class HostileFrames
    {
        public static byte[] Message(NodeIdentity signer, byte[] channel, string text, long timestampMs, MessageFlags flags = MessageFlags.None)
        {
            byte[] name = Encoding.UTF8.GetBytes("raw");
            byte[] payload = Encoding.UTF8.GetBytes(text);
            var body = new System.Collections.Generic.List<byte> { (byte)FrameType.Message, (byte)flags, 32 };
            byte[] id = new byte[16];
            Id128.NewRandom().Write(id, 0);
            body.AddRange(id);
            byte[] origin = new byte[16];
            signer.NodeId.Write(origin, 0);
            body.AddRange(origin);
            byte[] time = new byte[8];
            BigEndian.WriteUInt64(time, 0, (ulong)timestampMs);
            body.AddRange(time);
            body.AddRange(signer.SigningPublicKey);
            body.Add((byte)name.Length);
            body.AddRange(name);
            body.Add((byte)channel.Length);
            body.AddRange(channel);
            body.AddRange(payload);
            byte[] signed = body.ToArray();
            byte[] signature = new byte[64];
            signer.Sign(signed, 0, signed.Length, signature, 0);
            body.AddRange(signature);
            body.Add(1);
            return Frames.Prefixed(body.ToArray());
        }
    }
}
