using System;
using System.Linq;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The version-4 HELLO (protocol, version, flags in the clear) and INTRO (inside the records): protocol.md §3.1.</summary>
    public class HelloFrameTests
    {
        private static readonly NodeIdentity Identity = NodeIdentity.Create();

        public static TheoryData<string> Names => new TheoryData<string>
        {
            "alice",
            "Zoë – 日本語 🎉",
            "",
            new string('n', ProtocolLimits.MaxNameBytes),          // 64 bytes of ASCII
            new string('é', ProtocolLimits.MaxNameBytes / 2),    // 64 bytes of 2-byte characters
        };

        [Fact]
        public void A_HELLO_is_seven_bytes_that_say_only_protocol_and_version()
        {
            byte[] frame = HelloFrame.Encode();
            Assert.Equal(new byte[] { 0, 0, 0, 7, 0x01, (byte)'P', (byte)'S', (byte)'P', (byte)'C', 5, 0 }, frame);
            HelloFrame hello = HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, 7, out string error);
            Assert.True(hello != null, error);
            Assert.Equal(ProtocolLimits.Version, hello.Version);
            Assert.Equal(Frames.Body(frame), hello.Body);
        }

        [Fact]
        public void Decode_rejects_bad_magic()
        {
            byte[] frame = HelloFrame.Encode();
            frame[ProtocolLimits.LengthPrefix + 2] = (byte)'X';
            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, 7, out string error));
            Assert.Contains("magic", error);
        }

        [Theory]
        [InlineData((byte)FrameType.Message)]
        [InlineData((byte)FrameType.Noise)]
        [InlineData((byte)FrameType.Intro)]
        [InlineData((byte)FrameType.Close)]
        public void Decode_rejects_a_frame_that_is_not_a_HELLO(byte type)
        {
            byte[] frame = HelloFrame.Encode();
            frame[ProtocolLimits.LengthPrefix] = type;
            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, 7, out string error));
            Assert.Contains("not a HELLO", error);
        }

        [Theory]
        [InlineData((byte)1)]
        [InlineData((byte)2)]
        [InlineData((byte)3)]
        [InlineData((byte)4)]
        [InlineData((byte)6)]
        [InlineData((byte)255)]
        public void Another_version_is_recognised_from_the_first_six_bytes_whatever_follows(byte version)
        {
            byte[] frame = Frames.OldHello(Identity, version, "someone");
            for (int length = 6; length <= Frames.BodyLength(frame); length++)
            {
                HelloFrame hello = HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, length, out string error);
                Assert.True(hello != null, "cut at " + length + ": " + error);
                Assert.Equal(version, hello.Version);
            }
        }

        [Fact]
        public void A_version_4_HELLO_of_any_other_length_is_refused()
        {
            byte[] longer = Frames.OldHello(Identity, ProtocolLimits.Version);
            Assert.Null(HelloFrame.TryDecode(longer, ProtocolLimits.LengthPrefix, Frames.BodyLength(longer), out string error));
            Assert.Contains("exactly 7 bytes", error);
            Assert.Null(HelloFrame.TryDecode(longer, ProtocolLimits.LengthPrefix, 6, out _));
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void INTRO_encode_then_decode_returns_every_field(string name)
        {
            byte[] frame = IntroFrame.Encode(0x0123456789ABCDEFUL, 55555, name);
            Assert.Equal(12 + System.Text.Encoding.UTF8.GetByteCount(name), Frames.BodyLength(frame));
            IntroFrame intro = IntroFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error);
            Assert.True(intro != null, error);
            Assert.Equal(0x0123456789ABCDEFUL, intro.LinkToken);
            Assert.Equal(55555, intro.ListenPort);
            Assert.Equal(name, intro.Name);
        }

        [Fact]
        public void INTRO_encode_refuses_a_name_over_64_bytes()
        {
            Assert.Throws<ArgumentException>(() => IntroFrame.Encode(1, 1, new string('n', ProtocolLimits.MaxNameBytes + 1)));
            Assert.Throws<ArgumentException>(() => IntroFrame.Encode(1, 1, new string('é', 33))); // 33 chars, 66 bytes
        }

        [Fact]
        public void INTRO_decode_rejects_every_truncation_and_trailing_bytes()
        {
            byte[] frame = IntroFrame.Encode(7, 1234, "carol");
            int length = Frames.BodyLength(frame);
            for (int cut = 0; cut < length; cut++)
            {
                Assert.Null(IntroFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, cut, out _));
            }
            byte[] longer = Frames.Prefixed(Frames.Body(frame).Concat(new byte[] { 1, 2, 3 }).ToArray());
            Assert.Null(IntroFrame.TryDecode(longer, ProtocolLimits.LengthPrefix, length + 3, out string error));
            Assert.Contains("ends with its name", error);
        }

        [Fact]
        public void INTRO_decode_rejects_a_name_length_over_64_even_when_the_bytes_are_there()
        {
            byte[] body = Frames.Body(IntroFrame.Encode(7, 1234, new string('x', 65 - 1))).Concat(new byte[] { (byte)'x' }).ToArray();
            body[11] = ProtocolLimits.MaxNameBytes + 1;
            Assert.Null(IntroFrame.TryDecode(Frames.Prefixed(body), ProtocolLimits.LengthPrefix, body.Length, out _));
        }

        [Fact]
        public void INTRO_decode_rejects_a_name_that_is_not_UTF8_and_cleans_control_characters()
        {
            byte[] bad = IntroFrame.Encode(7, 1234, "ab");
            bad[bad.Length - 1] = 0xFF;
            Assert.Null(IntroFrame.TryDecode(bad, ProtocolLimits.LengthPrefix, Frames.BodyLength(bad), out string error));
            Assert.Contains("UTF-8", error);

            byte[] frame = IntroFrame.Encode(7, 1234, "a\u001b[2Jb\u0007");
            IntroFrame intro = IntroFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _);
            Assert.Equal("a?[2Jb?", intro.Name);
        }
    }
}
