namespace PSPeerChat.Protocol
{
    /// <summary>
    /// DIALBACK and DIALBACK-RESULT (protocol.md §3.11), inside the records only. DIALBACK: type(1) nonce(8), "dial me
    /// back"; it names no address: the neighbour dials the address it sees the link come from, at the listen port of
    /// the asker's INTRO. DIALBACK-RESULT: type(1) nonce(8) outcome(1). Bytes after these are ignored (room to grow).
    /// </summary>
    internal static class DialBackFrame
    {
        private const int RequestBody = 1 + 8;
        private const int ResultBody = 1 + 8 + 1;

        public static byte[] EncodeRequest(ulong nonce)
        {
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + RequestBody];
            BigEndian.WriteUInt32(frame, 0, RequestBody);
            frame[4] = (byte)FrameType.DialBack;
            BigEndian.WriteUInt64(frame, 5, nonce);
            return frame;
        }

        public static byte[] EncodeResult(ulong nonce, DialBackOutcome outcome)
        {
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + ResultBody];
            BigEndian.WriteUInt32(frame, 0, ResultBody);
            frame[4] = (byte)FrameType.DialBackResult;
            BigEndian.WriteUInt64(frame, 5, nonce);
            frame[13] = (byte)outcome;
            return frame;
        }

        public static bool TryDecodeRequest(byte[] buffer, int bodyOffset, int bodyLength, out ulong nonce)
        {
            nonce = 0;
            if (bodyLength < RequestBody) return false;
            nonce = BigEndian.ReadUInt64(buffer, bodyOffset + 1);
            return true;
        }

        /// <summary>False when too short or the outcome is not one of <see cref="DialBackOutcome"/>.</summary>
        public static bool TryDecodeResult(byte[] buffer, int bodyOffset, int bodyLength, out ulong nonce, out DialBackOutcome outcome)
        {
            nonce = 0;
            outcome = 0;
            if (bodyLength < ResultBody) return false;
            nonce = BigEndian.ReadUInt64(buffer, bodyOffset + 1);
            outcome = (DialBackOutcome)buffer[bodyOffset + 9];
            return outcome >= DialBackOutcome.Reachable && outcome <= DialBackOutcome.Refused;
        }
    }
}
