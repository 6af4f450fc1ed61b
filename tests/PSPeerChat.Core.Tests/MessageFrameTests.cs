using System;
using System.Text;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class MessageFrameTests
    {
        private const int HeaderBytes = 4 + 16 + 16 + 8 + 1; // type flags hops hopLimit, id, origin, timestamp, name length

        public static TheoryData<string, string> NamesAndTexts => new TheoryData<string, string>
        {
            { "alice", "hello, world" },
            { "Zoë 日本 🎉", "grüße – こんにちは 👋🏽" },
            { "bob", "" },
            { "", "a message with no name" },
            { new string('n', ProtocolLimits.MaxNameBytes), "max-size ASCII name" },
            { new string('é', ProtocolLimits.MaxNameBytes / 2), "max-size name of 2-byte characters" },
            { "carol", "line one\nline two\r\nline three" },
            { "dave", new string('t', ProtocolLimits.MaxTextBytes) },
            { new string('n', ProtocolLimits.MaxNameBytes), new string('€', ProtocolLimits.MaxTextBytes / 3) }, // 3-byte characters, exactly at the limit
        };

        [Theory]
        [MemberData(nameof(NamesAndTexts))]
        public void Create_then_decode_returns_every_field(string name, string text)
        {
            var id = new Id128(0x1111222233334444UL, 0x5555666677778888UL);
            var origin = new Id128(0x99990000AAAABBBBUL, 0xCCCCDDDDEEEEFFFFUL);
            FloodMessage created = MessageFrame.Create(id, origin, name, 1_700_000_123_456, 17, MessageFlags.TextOrigin, text);

            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(created.Frame, 0, created.Frame.Length, out int bodyLength));
            Assert.Equal(HeaderBytes + Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(text), bodyLength);

            FloodMessage decoded = MessageFrame.TryDecode(created.Frame, ProtocolLimits.LengthPrefix, bodyLength, out string error);

            Assert.True(decoded != null, error);
            Assert.Equal(id, decoded.Id);
            Assert.Equal(origin, decoded.OriginId);
            Assert.Equal(name, decoded.OriginName);
            Assert.Equal(text, decoded.Text);
            Assert.Equal(1_700_000_123_456, decoded.TimestampMs);
            Assert.Equal(1, decoded.Hops);
            Assert.Equal(17, decoded.HopLimit);
            Assert.Equal(MessageFlags.TextOrigin, decoded.Flags);
            Assert.True(decoded.IsTextOrigin);
            Assert.Equal(created.Frame, decoded.Frame);
            Assert.NotSame(created.Frame, decoded.Frame);

            Assert.True(MessageFrame.TryPeekId(created.Frame, ProtocolLimits.LengthPrefix, bodyLength, out Id128 peeked));
            Assert.Equal(id, peeked);
        }

        [Fact]
        public void Create_fills_the_message_fields_like_decode_does()
        {
            var id = Id128.NewRandom();
            var origin = Id128.NewRandom();
            FloodMessage created = MessageFrame.Create(id, origin, "ann", -5, 3, MessageFlags.None, "negative timestamps survive");

            Assert.Equal(id, created.Id);
            Assert.Equal(origin, created.OriginId);
            Assert.Equal("ann", created.OriginName);
            Assert.Equal(1, created.Hops);
            Assert.Equal(3, created.HopLimit);
            Assert.False(created.IsTextOrigin);
            Assert.Equal(-5, Frames.Decode(created.Frame).TimestampMs);
        }

        [Fact]
        public void Decode_does_not_depend_on_the_frame_being_at_the_start_of_the_buffer()
        {
            FloodMessage m = Frames.NewMessage("eve", "offset");
            byte[] buffer = Frames.Concat(new byte[] { 9, 9, 9 }, m.Frame, new byte[] { 7, 7 });

            FloodMessage decoded = MessageFrame.TryDecode(buffer, 3 + ProtocolLimits.LengthPrefix, Frames.BodyLength(m.Frame), out string error);

            Assert.True(decoded != null, error);
            Assert.Equal("offset", decoded.Text);
            Assert.Equal(m.Frame, decoded.Frame);
        }

        [Fact]
        public void Create_throws_for_text_over_the_limit()
        {
            var e = Assert.Throws<ArgumentException>(() => Frames.NewMessage(text: new string('t', ProtocolLimits.MaxTextBytes + 1)));
            Assert.Contains(ProtocolLimits.MaxTextBytes.ToString(), e.Message);

            // The limit counts UTF-8 bytes, not characters: 32001 'é' are 64002 bytes.
            Assert.Throws<ArgumentException>(() => Frames.NewMessage(text: new string('é', ProtocolLimits.MaxTextBytes / 2 + 1)));
        }

        [Fact]
        public void Create_throws_for_a_name_over_64_bytes()
        {
            Assert.Throws<ArgumentException>(() => Frames.NewMessage(name: new string('n', ProtocolLimits.MaxNameBytes + 1)));
            Assert.Throws<ArgumentException>(() => Frames.NewMessage(name: new string('é', ProtocolLimits.MaxNameBytes / 2 + 1)));
        }

        [Fact]
        public void Create_throws_for_hop_limit_zero()
        {
            Assert.ThrowsAny<ArgumentException>(() => Frames.NewMessage(hopLimit: 0));
        }

        [Fact]
        public void Decode_rejects_hops_zero()
        {
            byte[] frame = Frames.WithHops(Frames.NewMessage(hopLimit: 5).Frame, 0);

            Assert.Null(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("hop", error);
        }

        [Fact]
        public void Decode_rejects_hops_over_the_hop_limit_and_accepts_hops_equal_to_it()
        {
            byte[] frame = Frames.NewMessage(hopLimit: 5).Frame;

            Assert.NotNull(MessageFrame.TryDecode(Frames.WithHops(frame, 5), ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _));
            Assert.Null(MessageFrame.TryDecode(Frames.WithHops(frame, 6), ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("hop", error);
            Assert.Null(MessageFrame.TryDecode(Frames.WithHops(frame, 255), ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _));
        }

        [Fact]
        public void Decode_rejects_a_name_length_past_the_end()
        {
            byte[] frame = Frames.NewMessage("abc", "").Frame; // the name is the last thing in the body
            Assert.Equal(3, frame[Frames.MessageNameLengthOffset]);

            frame[Frames.MessageNameLengthOffset] = 4;
            Assert.Null(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("name length", error);

            frame[Frames.MessageNameLengthOffset] = 3;
            Assert.NotNull(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _));
        }

        [Fact]
        public void Decode_rejects_a_name_length_over_64_even_when_the_bytes_are_there()
        {
            byte[] frame = Frames.NewMessage("abc", new string('x', 200)).Frame;
            frame[Frames.MessageNameLengthOffset] = ProtocolLimits.MaxNameBytes + 1;

            Assert.Null(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("name length", error);
        }

        [Fact]
        public void Decode_rejects_invalid_UTF8_in_the_text()
        {
            byte[] frame = Frames.NewMessage("abc", "good text").Frame;
            frame[frame.Length - 1] = 0xFF;

            Assert.Null(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("UTF-8", error);
        }

        [Fact]
        public void Decode_rejects_invalid_UTF8_in_the_name()
        {
            byte[] frame = Frames.NewMessage("ab", "text").Frame;
            frame[Frames.MessageNameLengthOffset + 1] = 0xC3; // a lead byte followed by 'b', not a continuation byte

            Assert.Null(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("UTF-8", error);
        }

        [Fact]
        public void Decode_rejects_a_body_shorter_than_the_header()
        {
            byte[] frame = Frames.NewMessage("", "").Frame;
            Assert.Equal(HeaderBytes, Frames.BodyLength(frame));

            for (int shorter = 0; shorter < HeaderBytes; shorter++)
            {
                Assert.Null(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, shorter, out string error));
                Assert.Contains("shorter", error);
                Assert.False(MessageFrame.TryPeekId(frame, ProtocolLimits.LengthPrefix, shorter, out _));
            }
            Assert.NotNull(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, HeaderBytes, out _));
        }

        [Fact]
        public void Decode_rejects_text_over_the_limit()
        {
            byte[] max = Frames.NewMessage("n", new string('t', ProtocolLimits.MaxTextBytes)).Frame;
            byte[] body = new byte[Frames.BodyLength(max) + 1];
            Buffer.BlockCopy(max, ProtocolLimits.LengthPrefix, body, 0, body.Length - 1);
            body[body.Length - 1] = (byte)'t';
            byte[] tooLong = Frames.Prefixed(body);

            Assert.Null(MessageFrame.TryDecode(tooLong, ProtocolLimits.LengthPrefix, body.Length, out string error));
            Assert.Contains("longer", error);
        }
    }
}
