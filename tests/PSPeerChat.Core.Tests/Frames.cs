using System;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Small helpers to build and inspect encoded frames in tests.</summary>
    internal static class Frames
    {
        /// <summary>Offset of a MESSAGE's name length byte in the whole frame: prefix(4) type flags hops hopLimit(4) id(16) origin(16) timestamp(8).</summary>
        public const int MessageNameLengthOffset = 4 + 4 + 16 + 16 + 8;

        public static int BodyLength(byte[] frame) => frame.Length - ProtocolLimits.LengthPrefix;

        public static FloodMessage NewMessage(string name = "alice", string text = "hi", byte hopLimit = ProtocolLimits.DefaultHopLimit, Id128? origin = null, MessageFlags flags = MessageFlags.None)
        {
            return MessageFrame.Create(Id128.NewRandom(), origin ?? Id128.NewRandom(), name, 1_700_000_000_000, hopLimit, flags, text);
        }

        public static FloodMessage Decode(byte[] frame)
        {
            FloodMessage message = MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, BodyLength(frame), out string error);
            if (message == null) throw new Xunit.Sdk.XunitException("frame did not decode: " + error);
            return message;
        }

        /// <summary>A copy of a message frame with its hop count set (a frame as some relay would forward it).</summary>
        public static byte[] WithHops(byte[] frame, byte hops)
        {
            byte[] copy = (byte[])frame.Clone();
            copy[MessageFrame.HopsOffset] = hops;
            return copy;
        }

        /// <summary>Prefix + body from raw body bytes.</summary>
        public static byte[] Prefixed(params byte[] body)
        {
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body.Length];
            BigEndian.WriteUInt32(frame, 0, (uint)body.Length);
            Buffer.BlockCopy(body, 0, frame, ProtocolLimits.LengthPrefix, body.Length);
            return frame;
        }

        public static byte[] Concat(params byte[][] parts)
        {
            int length = 0;
            foreach (byte[] p in parts) length += p.Length;
            byte[] all = new byte[length];
            int o = 0;
            foreach (byte[] p in parts)
            {
                Buffer.BlockCopy(p, 0, all, o, p.Length);
                o += p.Length;
            }
            return all;
        }
    }
}
