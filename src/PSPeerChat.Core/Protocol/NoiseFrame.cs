using System;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// NOISE (protocol.md §3.7): type(1) message(n), one message of the Noise XX handshake (§9.2) in the clear, framed
    /// as every frame is (§2). Message 1 and 3 come from the dialler, message 2 from the acceptor.
    /// </summary>
    internal static class NoiseFrame
    {
        /// <summary>Longest Noise message (Noise §3): 65,535 bytes, so a NOISE body (type and message) fits the frame limit.</summary>
        public const int MaxMessage = ushort.MaxValue;

        public static byte[] Encode(byte[] message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            if (message.Length > MaxMessage) throw new ArgumentException("A Noise message is at most 65535 bytes.", nameof(message));
            int body = 1 + message.Length;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            frame[ProtocolLimits.LengthPrefix] = (byte)FrameType.Noise;
            Buffer.BlockCopy(message, 0, frame, ProtocolLimits.LengthPrefix + 1, message.Length);
            return frame;
        }
    }
}
