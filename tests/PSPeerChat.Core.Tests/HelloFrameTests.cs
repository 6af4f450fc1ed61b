using System;
using System.Text;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class HelloFrameTests
    {
        public static TheoryData<string> Names => new TheoryData<string>
        {
            "alice",
            "Zoë – 日本語 🎉",
            "",
            new string('n', ProtocolLimits.MaxNameBytes),          // 64 bytes of ASCII
            new string('é', ProtocolLimits.MaxNameBytes / 2),    // 64 bytes of 2-byte characters
        };

        [Theory]
        [MemberData(nameof(Names))]
        public void Encode_then_decode_returns_every_field(string name)
        {
            var nodeId = new Id128(0x0123456789ABCDEFUL, 0xFEDCBA9876543210UL);
            byte[] frame = HelloFrame.Encode(nodeId, 0xDEADBEEFCAFEF00DUL, 55555, name);

            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(frame, 0, frame.Length, out int bodyLength));
            Assert.Equal(frame.Length - ProtocolLimits.LengthPrefix, bodyLength);
            Assert.Equal((byte)FrameType.Hello, frame[ProtocolLimits.LengthPrefix]);

            HelloFrame hello = HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, bodyLength, out string error);

            Assert.True(hello != null, error);
            Assert.Null(error);
            Assert.Equal(ProtocolLimits.Version, hello.Version);
            Assert.Equal(nodeId, hello.NodeId);
            Assert.Equal(0xDEADBEEFCAFEF00DUL, hello.LinkToken);
            Assert.Equal(55555, hello.ListenPort);
            Assert.Equal(name, hello.Name);
        }

        [Fact]
        public void Encode_refuses_a_name_over_64_bytes()
        {
            Assert.Throws<ArgumentException>(() => HelloFrame.Encode(Id128.NewRandom(), 1, 1, new string('n', ProtocolLimits.MaxNameBytes + 1)));
            Assert.Throws<ArgumentException>(() => HelloFrame.Encode(Id128.NewRandom(), 1, 1, new string('é', 33))); // 33 chars, 66 bytes
        }

        [Fact]
        public void Decode_rejects_bad_magic()
        {
            byte[] frame = HelloFrame.Encode(Id128.NewRandom(), 7, 1234, "bob");
            frame[ProtocolLimits.LengthPrefix + 1] = (byte)'X'; // "XSPC"

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("magic", error);
        }

        [Theory]
        [InlineData((byte)FrameType.Message)]
        [InlineData((byte)FrameType.Close)]
        [InlineData((byte)0)]
        [InlineData((byte)200)]
        public void Decode_rejects_a_frame_that_is_not_a_HELLO(byte type)
        {
            byte[] frame = HelloFrame.Encode(Id128.NewRandom(), 7, 1234, "bob");
            frame[ProtocolLimits.LengthPrefix] = type;

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.False(string.IsNullOrEmpty(error));
        }

        [Fact]
        public void Decode_rejects_a_body_shorter_than_the_fixed_header()
        {
            byte[] frame = HelloFrame.Encode(Id128.NewRandom(), 7, 1234, "");
            int body = Frames.BodyLength(frame);

            for (int shorter = 1; shorter < body; shorter++)
            {
                Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, shorter, out _));
            }
            Assert.NotNull(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, body, out _));
        }

        [Fact]
        public void Decode_rejects_a_name_length_past_the_end_of_the_body()
        {
            byte[] frame = HelloFrame.Encode(Id128.NewRandom(), 7, 1234, "bob");
            int nameLengthAt = frame.Length - 3 - 1;
            Assert.Equal(3, frame[nameLengthAt]);
            frame[nameLengthAt] = 4;

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("name length", error);
        }

        [Fact]
        public void Decode_rejects_a_name_that_is_not_UTF8()
        {
            byte[] frame = HelloFrame.Encode(Id128.NewRandom(), 7, 1234, "bob");
            frame[frame.Length - 2] = 0xFF;

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("UTF-8", error);
        }

        [Fact]
        public void Decode_ignores_trailing_bytes_of_a_later_version()
        {
            byte[] hello = HelloFrame.Encode(Id128.NewRandom(), 7, 1234, "bob");
            byte[] body = new byte[Frames.BodyLength(hello) + 5];
            Buffer.BlockCopy(hello, ProtocolLimits.LengthPrefix, body, 0, Frames.BodyLength(hello));
            byte[] longer = Frames.Prefixed(body);

            HelloFrame decoded = HelloFrame.TryDecode(longer, ProtocolLimits.LengthPrefix, body.Length, out string error);

            Assert.True(decoded != null, error);
            Assert.Equal("bob", decoded.Name);
            Assert.Equal(1234, decoded.ListenPort);
        }

        [Fact]
        public void Decode_replaces_control_characters_in_the_name()
        {
            byte[] frame = HelloFrame.Encode(Id128.NewRandom(), 7, 1234, "a\u001b[2Jb\u0007");

            HelloFrame decoded = HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _);

            Assert.Equal("a?[2Jb?", decoded.Name);
        }
    }
}
