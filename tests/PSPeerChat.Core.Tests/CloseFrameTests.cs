using System.Text;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class CloseFrameTests
    {
        [Theory]
        [InlineData(CloseReason.Shutdown, "alice is stopping")]
        [InlineData(CloseReason.Duplicate, "déjà vu – 既に接続済み")]
        [InlineData(CloseReason.FrameTooLarge, "")]
        [InlineData(CloseReason.ConnectionLost, "x")]
        public void Encode_then_decode_returns_reason_and_detail(CloseReason reason, string detail)
        {
            byte[] frame = CloseFrame.Encode(reason, detail);

            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(frame, 0, frame.Length, out int bodyLength));
            Assert.Equal((byte)FrameType.Close, frame[ProtocolLimits.LengthPrefix]);
            CloseFrame.Decode(frame, ProtocolLimits.LengthPrefix, bodyLength, out CloseReason decodedReason, out string decodedDetail);

            Assert.Equal(reason, decodedReason);
            Assert.Equal(detail, decodedDetail);
        }

        [Fact]
        public void Null_detail_is_sent_as_empty()
        {
            byte[] frame = CloseFrame.Encode(CloseReason.UserRequest, null);

            CloseFrame.Decode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out CloseReason reason, out string detail);

            Assert.Equal(CloseReason.UserRequest, reason);
            Assert.Equal(string.Empty, detail);
            Assert.Equal(2, Frames.BodyLength(frame));
        }

        [Fact]
        public void A_long_detail_is_cut_to_256_bytes()
        {
            string detail = new string('d', 1000);
            byte[] frame = CloseFrame.Encode(CloseReason.ProtocolError, detail);

            Assert.Equal(2 + ProtocolLimits.MaxReasonBytes, Frames.BodyLength(frame));
            CloseFrame.Decode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _, out string decoded);
            Assert.Equal(new string('d', ProtocolLimits.MaxReasonBytes), decoded);
        }

        [Fact]
        public void A_long_detail_is_cut_at_a_character_boundary_so_the_frame_stays_valid_UTF8()
        {
            // 1 + 2*200 bytes: a cut at exactly 256 bytes would split the 128th 'é' in half.
            string detail = "a" + new string('é', 200);
            byte[] frame = CloseFrame.Encode(CloseReason.ProtocolError, detail);

            byte[] text = new byte[Frames.BodyLength(frame) - 2];
            System.Buffer.BlockCopy(frame, ProtocolLimits.LengthPrefix + 2, text, 0, text.Length);
            Assert.True(text.Length <= ProtocolLimits.MaxReasonBytes);
            string strict = new UTF8Encoding(false, true).GetString(text); // throws on a half character
            Assert.StartsWith(strict, detail);

            CloseFrame.Decode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _, out string decoded);
            Assert.DoesNotContain('\uFFFD', decoded);
        }
    }
}
