using System;
using System.Linq;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
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

        [Theory]
        [MemberData(nameof(Names))]
        public void Encode_then_decode_returns_every_field_including_keys_and_nonce(string name)
        {
            byte[] nonce = Frames.Nonce();
            byte[] frame = HelloFrame.Encode(Identity, 0xDEADBEEFCAFEF00DUL, 55555, name, nonce);

            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(frame, 0, frame.Length, out int bodyLength));
            Assert.Equal(frame.Length - ProtocolLimits.LengthPrefix, bodyLength);
            Assert.Equal(Frames.HelloFixedBody + System.Text.Encoding.UTF8.GetByteCount(name), bodyLength);
            Assert.Equal((byte)FrameType.Hello, frame[ProtocolLimits.LengthPrefix]);
            Assert.Equal(3, frame[ProtocolLimits.LengthPrefix + 5]); // version 3 at its fixed place

            HelloFrame hello = HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, bodyLength, out string error);

            Assert.True(hello != null, error);
            Assert.Null(error);
            Assert.Equal(ProtocolLimits.Version, hello.Version);
            Assert.Equal(Identity.NodeId, hello.NodeId);
            Assert.Equal(0xDEADBEEFCAFEF00DUL, hello.LinkToken);
            Assert.Equal(55555, hello.ListenPort);
            Assert.Equal(name, hello.Name);
            Assert.Equal(Identity.SigningPublicKey, hello.SigningKey);
            Assert.Equal(Identity.EncryptionPublicKey, hello.EncryptionKey);
            Assert.Equal(NodeIdentity.IdFromKey(hello.SigningKey, 0), hello.NodeId); // the id is the hash of the key it carries
            Assert.Equal(Frames.Body(frame), hello.Body);                          // the exact body, for the AUTH transcript
            Assert.Equal(nonce, hello.Body.Skip(Frames.HelloBodyNonce).Take(HelloFrame.NonceSize).ToArray());
        }

        [Fact]
        public void Two_HELLOs_of_one_identity_differ_exactly_in_their_nonce()
        {
            byte[] a = HelloFrame.Encode(Identity, 1, 2, "same", Frames.Nonce(1));
            byte[] b = HelloFrame.Encode(Identity, 1, 2, "same", Frames.Nonce(100));

            int nonceStart = ProtocolLimits.LengthPrefix + Frames.HelloBodyNonce;
            var differing = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
            Assert.NotEmpty(differing);
            Assert.All(differing, i => Assert.InRange(i, nonceStart, nonceStart + HelloFrame.NonceSize - 1));
        }

        [Fact]
        public void Encode_refuses_a_name_over_64_bytes()
        {
            Assert.Throws<ArgumentException>(() => HelloFrame.Encode(Identity, 1, 1, new string('n', ProtocolLimits.MaxNameBytes + 1), Frames.Nonce()));
            Assert.Throws<ArgumentException>(() => HelloFrame.Encode(Identity, 1, 1, new string('é', 33), Frames.Nonce())); // 33 chars, 66 bytes
        }

        [Fact]
        public void Decode_rejects_bad_magic()
        {
            byte[] frame = Frames.Hello(Identity);
            frame[ProtocolLimits.LengthPrefix + 1] = (byte)'X'; // "XSPC"

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("magic", error);
        }

        [Theory]
        [InlineData((byte)FrameType.Message)]
        [InlineData((byte)FrameType.Close)]
        [InlineData((byte)FrameType.Auth)]
        [InlineData((byte)0)]
        [InlineData((byte)200)]
        public void Decode_rejects_a_frame_that_is_not_a_HELLO(byte type)
        {
            byte[] frame = Frames.Hello(Identity);
            frame[ProtocolLimits.LengthPrefix] = type;

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.False(string.IsNullOrEmpty(error));
        }

        [Theory]
        [InlineData((byte)1)]
        [InlineData((byte)2)]
        [InlineData((byte)4)]
        [InlineData((byte)255)]
        public void Another_version_is_recognised_from_the_first_six_bytes_whatever_follows(byte version)
        {
            byte[] frame = Frames.Hello(Identity);
            frame[ProtocolLimits.LengthPrefix + 5] = version;

            for (int length = 6; length <= Frames.BodyLength(frame); length++)
            {
                HelloFrame hello = HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, length, out string error);
                Assert.True(hello != null, "cut at " + length + ": " + error);
                Assert.Equal(version, hello.Version);
            }
        }

        [Fact]
        public void Decode_rejects_a_body_shorter_than_the_fixed_header_at_every_truncation()
        {
            byte[] frame = Frames.Hello(Identity, name: "");
            int body = Frames.BodyLength(frame);
            Assert.Equal(Frames.HelloFixedBody, body);

            for (int shorter = 0; shorter < body; shorter++)
            {
                Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, shorter, out string error));
                Assert.False(string.IsNullOrEmpty(error));
            }
            Assert.NotNull(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, body, out _));
        }

        [Fact]
        public void Decode_rejects_every_truncation_that_cuts_into_the_name()
        {
            byte[] frame = Frames.Hello(Identity, name: "carol");
            int body = Frames.BodyLength(frame);

            for (int shorter = Frames.HelloFixedBody; shorter < body; shorter++)
            {
                Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, shorter, out string error));
                Assert.Contains("name length", error);
            }
        }

        [Fact]
        public void Decode_rejects_a_name_length_past_the_end_of_the_body()
        {
            byte[] frame = Frames.Hello(Identity, name: "bob");
            int nameLengthAt = ProtocolLimits.LengthPrefix + Frames.HelloBodyNameLength;
            Assert.Equal(3, frame[nameLengthAt]);
            frame[nameLengthAt] = 4;

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("name length", error);
        }

        [Fact]
        public void Decode_rejects_a_name_length_over_64_even_when_the_bytes_are_there()
        {
            byte[] hello = Frames.Hello(Identity, name: "bob");
            byte[] body = new byte[Frames.BodyLength(hello) + 100];
            Buffer.BlockCopy(hello, ProtocolLimits.LengthPrefix, body, 0, Frames.BodyLength(hello));
            body[Frames.HelloBodyNameLength] = ProtocolLimits.MaxNameBytes + 1;
            for (int i = Frames.HelloFixedBody; i < body.Length; i++) body[i] = (byte)'x';

            Assert.Null(HelloFrame.TryDecode(Frames.Prefixed(body), ProtocolLimits.LengthPrefix, body.Length, out string error));
            Assert.Contains("name length", error);
        }

        [Fact]
        public void Decode_rejects_a_name_that_is_not_UTF8()
        {
            byte[] frame = Frames.Hello(Identity, name: "bob");
            frame[frame.Length - 2] = 0xFF;

            Assert.Null(HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("UTF-8", error);
        }

        [Fact]
        public void Decode_refuses_trailing_bytes_that_could_be_spliced_into_the_AUTH_transcript()
        {
            byte[] hello = Frames.Hello(Identity, token: 7, port: 1234, name: "bob");
            byte[] body = new byte[Frames.BodyLength(hello) + 5];
            Buffer.BlockCopy(hello, ProtocolLimits.LengthPrefix, body, 0, Frames.BodyLength(hello));
            byte[] longer = Frames.Prefixed(body);

            HelloFrame decoded = HelloFrame.TryDecode(longer, ProtocolLimits.LengthPrefix, body.Length, out string error);

            Assert.Null(decoded);
            Assert.Contains("name", error);
        }

        [Fact]
        public void Decode_replaces_control_characters_in_the_name()
        {
            byte[] frame = Frames.Hello(Identity, name: "a\u001b[2Jb\u0007");

            HelloFrame decoded = HelloFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _);

            Assert.Equal("a?[2Jb?", decoded.Name);
        }

        [Fact]
        public void BodyOf_is_the_frame_without_its_length_prefix()
        {
            byte[] frame = Frames.Hello(Identity);

            Assert.Equal(Frames.Body(frame), HelloFrame.BodyOf(frame));
        }
    }
}
