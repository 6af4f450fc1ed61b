using System.Collections.Generic;
using PSPeerChat.Protocol;
using Xunit;
using PSPeerChat.Identity;

namespace PSPeerChat.Core.Tests
{
    public class FrameReaderTests
    {
        public static IEnumerable<object[]> FrameKinds()
        {
            yield return new object[] { "HELLO" };
            yield return new object[] { "MESSAGE" };
            yield return new object[] { "ANNOUNCE" };
            yield return new object[] { "INTRO" };
            yield return new object[] { "DIRECT" };
            yield return new object[] { "CLOSE" };
        }

        private static byte[] Build(string kind, int variant = 0)
        {
            switch (kind)
            {
                case "HELLO": return HelloFrame.Encode();
                case "MESSAGE": return Frames.NewMessage("alice" + variant, "text ✓ " + new string('x', variant * 10)).Frame;
                case "ANNOUNCE": return MessageFrame.CreateAnnounce(Frames.Signer, Id128.NewRandom(), "alice" + variant, 1_700_000_000_000, 32).Frame;
                case "INTRO": return IntroFrame.Encode(42UL + (ulong)variant, 55555, "node-" + variant + "-Zoë");
                case "DIRECT":
                {
                    var to = Identity.NodeIdentity.Create();
                    return DirectFrame.Create(Frames.Signer, "alice", Id128.NewRandom(), to.NodeId, to.EncryptionPublicKey, 1_700_000_000_000, 32, "secret " + new string('x', variant * 10)).Frame;
                }
                default: return CloseFrame.Encode(CloseReason.Shutdown, "bye " + variant);
            }
        }

        [Theory]
        [MemberData(nameof(FrameKinds))]
        public void Every_truncation_needs_more_and_only_the_full_length_is_a_frame(string kind)
        {
            byte[] frame = Build(kind);
            int body = frame.Length - ProtocolLimits.LengthPrefix;

            for (int count = 0; count < frame.Length; count++)
            {
                FrameReadStatus status = FrameReader.TryRead(frame, 0, count, out int bodyLength);
                Assert.True(status == FrameReadStatus.NeedMore, kind + " cut at " + count + " of " + frame.Length + " gave " + status);
                Assert.Equal(count < ProtocolLimits.LengthPrefix ? 0 : body, bodyLength);
            }
            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(frame, 0, frame.Length, out int full));
            Assert.Equal(body, full);
        }

        [Theory]
        [MemberData(nameof(FrameKinds))]
        public void Two_concatenated_frames_read_one_after_the_other_at_every_truncation(string kind)
        {
            byte[] first = Build(kind, 1);
            byte[] second = Build(kind, 7);
            byte[] both = Frames.Concat(first, second);

            // Every cut inside the first frame: need more.
            for (int count = 0; count < first.Length; count++)
            {
                Assert.Equal(FrameReadStatus.NeedMore, FrameReader.TryRead(both, 0, count, out _));
            }
            // Any cut at or past the first frame's end: the first frame, and only its length.
            for (int count = first.Length; count <= both.Length; count++)
            {
                Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(both, 0, count, out int firstBody));
                Assert.Equal(first.Length - ProtocolLimits.LengthPrefix, firstBody);
            }
            // Then the second frame from where the first ended.
            int start = first.Length;
            for (int count = 0; count < second.Length; count++)
            {
                Assert.Equal(FrameReadStatus.NeedMore, FrameReader.TryRead(both, start, count, out _));
            }
            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(both, start, second.Length, out int secondBody));
            Assert.Equal(second.Length - ProtocolLimits.LengthPrefix, secondBody);

            // The bytes the reader pointed at are the frames that went in.
            Assert.Equal(first[ProtocolLimits.LengthPrefix], both[ProtocolLimits.LengthPrefix]);
            Assert.Equal(second[ProtocolLimits.LengthPrefix], both[start + ProtocolLimits.LengthPrefix]);
        }

        [Theory]
        [InlineData(65_537u)]
        [InlineData(100_000u)]
        [InlineData(0x7FFFFFFFu)]
        [InlineData(0x80000000u)]
        [InlineData(0xFFFFFFFFu)]
        public void A_length_over_64KiB_is_TooLarge_without_the_body_bytes(uint announced)
        {
            byte[] prefix = new byte[ProtocolLimits.LengthPrefix];
            BigEndian.WriteUInt32(prefix, 0, announced);

            Assert.Equal(FrameReadStatus.TooLarge, FrameReader.TryRead(prefix, 0, prefix.Length, out _));
        }

        [Fact]
        public void A_length_of_exactly_64KiB_is_allowed_and_waits_for_its_body()
        {
            byte[] prefix = new byte[ProtocolLimits.LengthPrefix];
            BigEndian.WriteUInt32(prefix, 0, ProtocolLimits.MaxFrameBody);

            Assert.Equal(FrameReadStatus.NeedMore, FrameReader.TryRead(prefix, 0, prefix.Length, out int bodyLength));
            Assert.Equal(ProtocolLimits.MaxFrameBody, bodyLength);

            byte[] whole = new byte[ProtocolLimits.LengthPrefix + ProtocolLimits.MaxFrameBody];
            BigEndian.WriteUInt32(whole, 0, ProtocolLimits.MaxFrameBody);
            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(whole, 0, whole.Length, out _));
        }

        [Fact]
        public void A_zero_length_is_Empty()
        {
            byte[] bytes = { 0, 0, 0, 0, (byte)FrameType.Message, 1, 2, 3 };

            Assert.Equal(FrameReadStatus.Empty, FrameReader.TryRead(bytes, 0, 4, out _));
            Assert.Equal(FrameReadStatus.Empty, FrameReader.TryRead(bytes, 0, bytes.Length, out _));
        }

        [Fact]
        public void The_length_is_read_at_the_offset_not_at_the_start_of_the_buffer()
        {
            byte[] frame = Frames.Prefixed(9, 9, 9);
            byte[] buffer = Frames.Concat(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, frame);

            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(buffer, 5, frame.Length, out int bodyLength));
            Assert.Equal(3, bodyLength);
            Assert.Equal(FrameReadStatus.TooLarge, FrameReader.TryRead(buffer, 0, buffer.Length, out _));
        }
    }
}
