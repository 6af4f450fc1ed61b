namespace PSPeerChat.Protocol
{
    /// <summary>
    /// Finds length-prefixed frames in a buffer (protocol.md §2). It never trusts the prefix:
    /// bodies over <see cref="ProtocolLimits.MaxFrameBody"/> are refused before any byte of them is buffered.
    /// </summary>
    internal static class FrameReader
    {
        /// <param name="buffer">Received bytes.</param>
        /// <param name="offset">Start of unread bytes.</param>
        /// <param name="count">Number of unread bytes.</param>
        /// <param name="bodyLength">On Frame and NeedMore (when the prefix is complete): the announced body length, else 0.</param>
        public static FrameReadStatus TryRead(byte[] buffer, int offset, int count, out int bodyLength)
        {
            bodyLength = 0;
            if (count < ProtocolLimits.LengthPrefix) return FrameReadStatus.NeedMore;
            uint announced = BigEndian.ReadUInt32(buffer, offset);
            if (announced == 0) return FrameReadStatus.Empty;
            if (announced > ProtocolLimits.MaxFrameBody) return FrameReadStatus.TooLarge;
            bodyLength = (int)announced;
            return count - ProtocolLimits.LengthPrefix >= bodyLength ? FrameReadStatus.Frame : FrameReadStatus.NeedMore;
        }
    }
}
