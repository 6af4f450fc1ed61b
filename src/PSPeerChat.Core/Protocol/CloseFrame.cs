using System;

namespace PSPeerChat.Protocol
{
    /// <summary>CLOSE (protocol.md §3.3): type(1) reason(1) detail(UTF-8, rest, at most 256 bytes). The sender closes the socket after it.</summary>
    internal static class CloseFrame
    {
        public static byte[] Encode(CloseReason reason, string detail)
        {
            byte[] text = Utf8.Strict.GetBytes(detail ?? string.Empty);
            int textLength = Math.Min(text.Length, ProtocolLimits.MaxReasonBytes);
            while (textLength < text.Length && textLength > 0 && (text[textLength] & 0xC0) == 0x80) textLength--; // never cut a character in half
            int body = 2 + textLength;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            frame[4] = (byte)FrameType.Close;
            frame[5] = (byte)reason;
            Buffer.BlockCopy(text, 0, frame, 6, textLength);
            return frame;
        }

        public static void Decode(byte[] buffer, int bodyOffset, int bodyLength, out CloseReason reason, out string detail)
        {
            reason = bodyLength >= 2 ? (CloseReason)buffer[bodyOffset + 1] : CloseReason.None;
            int textLength = Math.Min(Math.Max(bodyLength - 2, 0), ProtocolLimits.MaxReasonBytes);
            detail = textLength == 0 ? string.Empty : Utf8.CleanName(Utf8.Lenient.GetString(buffer, bodyOffset + 2, textLength));
        }
    }
}
