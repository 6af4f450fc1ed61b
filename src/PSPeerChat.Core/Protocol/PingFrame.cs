namespace PSPeerChat.Protocol
{
    /// <summary>PING and PONG (protocol.md §3.5): type(1) nonce(8). A PONG echoes the PING's nonce; the pinger measures the round trip.</summary>
    internal static class PingFrame
    {
        private const int Body = 1 + 8;

        public static byte[] Encode(FrameType type, ulong nonce)
        {
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + Body];
            BigEndian.WriteUInt32(frame, 0, Body);
            frame[4] = (byte)type;
            BigEndian.WriteUInt64(frame, 5, nonce);
            return frame;
        }

        public static bool TryDecode(byte[] buffer, int bodyOffset, int bodyLength, out ulong nonce)
        {
            nonce = 0;
            if (bodyLength < Body) return false;
            nonce = BigEndian.ReadUInt64(buffer, bodyOffset + 1);
            return true;
        }
    }
}
