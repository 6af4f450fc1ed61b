using System;
using PSPeerChat.Flood;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// MESSAGE (protocol.md §3.2). Body layout:
    /// type(1) flags(1) hops(1) hopLimit(1) messageId(16) originId(16) timestampMs(8, signed) nameLength(1) name(n) text(rest).
    /// Hops sits at a fixed offset so a relay patches one byte of the received frame.
    /// </summary>
    internal static class MessageFrame
    {
        /// <summary>Offset of the hop count in the whole frame (length prefix included).</summary>
        public const int HopsOffset = ProtocolLimits.LengthPrefix + 2;

        private const int IdOffset = 4;       // within the body
        private const int FixedBody = 4 + Id128.Size + Id128.Size + 8 + 1;

        public static FloodMessage Create(Id128 id, Id128 origin, string originName, long timestampMs, byte hopLimit, MessageFlags flags, string text)
        {
            byte[] nameBytes = Utf8.Strict.GetBytes(originName ?? string.Empty);
            if (nameBytes.Length > ProtocolLimits.MaxNameBytes) throw new ArgumentException("The name is longer than " + ProtocolLimits.MaxNameBytes + " UTF-8 bytes.", nameof(originName));
            byte[] textBytes = Utf8.Strict.GetBytes(text ?? string.Empty);
            if (textBytes.Length > ProtocolLimits.MaxTextBytes) throw new ArgumentException("The message is " + textBytes.Length + " UTF-8 bytes long; the limit is " + ProtocolLimits.MaxTextBytes + ".", nameof(text));
            if (hopLimit == 0) throw new ArgumentOutOfRangeException(nameof(hopLimit), "The hop limit must be at least 1.");

            int body = FixedBody + nameBytes.Length + textBytes.Length;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o] = (byte)FrameType.Message;
            frame[o + 1] = (byte)flags;
            frame[o + 2] = 1; // the origin's copy travels its first link
            frame[o + 3] = hopLimit;
            id.Write(frame, o + IdOffset);
            origin.Write(frame, o + IdOffset + Id128.Size);
            BigEndian.WriteUInt64(frame, o + IdOffset + 2 * Id128.Size, (ulong)timestampMs);
            int n = o + FixedBody - 1;
            frame[n] = (byte)nameBytes.Length;
            Buffer.BlockCopy(nameBytes, 0, frame, n + 1, nameBytes.Length);
            Buffer.BlockCopy(textBytes, 0, frame, n + 1 + nameBytes.Length, textBytes.Length);

            return new FloodMessage
            {
                Id = id,
                OriginId = origin,
                OriginName = originName ?? string.Empty,
                TimestampMs = timestampMs,
                Hops = 1,
                HopLimit = hopLimit,
                Flags = flags,
                Text = text ?? string.Empty,
                Frame = frame,
            };
        }

        /// <summary>Reads only the message id, so duplicates are dropped before anything is decoded or copied.</summary>
        public static bool TryPeekId(byte[] buffer, int bodyOffset, int bodyLength, out Id128 id)
        {
            if (bodyLength < FixedBody)
            {
                id = default;
                return false;
            }
            id = Id128.Read(buffer, bodyOffset + IdOffset);
            return true;
        }

        /// <summary>Decodes and validates a MESSAGE body; copies the frame so it outlives the receive buffer. Null with a reason when malformed.</summary>
        public static FloodMessage TryDecode(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            if (bodyLength < FixedBody)
            {
                error = "MESSAGE frame shorter than its header";
                return null;
            }
            int o = bodyOffset;
            byte hops = buffer[o + 2];
            byte hopLimit = buffer[o + 3];
            if (hops == 0 || hops > hopLimit)
            {
                error = "MESSAGE hop count " + hops + " outside 1.." + hopLimit;
                return null;
            }
            int nameLength = buffer[o + FixedBody - 1];
            int nameOffset = o + FixedBody;
            int end = bodyOffset + bodyLength;
            if (nameLength > ProtocolLimits.MaxNameBytes || nameOffset + nameLength > end)
            {
                error = "MESSAGE name length out of range";
                return null;
            }
            int textLength = end - nameOffset - nameLength;
            if (textLength > ProtocolLimits.MaxTextBytes)
            {
                error = "MESSAGE text longer than " + ProtocolLimits.MaxTextBytes + " bytes";
                return null;
            }

            string name, text;
            try
            {
                name = Utf8.CleanName(Utf8.Strict.GetString(buffer, nameOffset, nameLength));
                text = Utf8.Strict.GetString(buffer, nameOffset + nameLength, textLength);
            }
            catch (ArgumentException)
            {
                error = "MESSAGE name or text is not UTF-8";
                return null;
            }

            byte[] frame = new byte[ProtocolLimits.LengthPrefix + bodyLength];
            Buffer.BlockCopy(buffer, bodyOffset - ProtocolLimits.LengthPrefix, frame, 0, frame.Length);
            return new FloodMessage
            {
                Flags = (MessageFlags)buffer[o + 1],
                Hops = hops,
                HopLimit = hopLimit,
                Id = Id128.Read(buffer, o + IdOffset),
                OriginId = Id128.Read(buffer, o + IdOffset + Id128.Size),
                TimestampMs = (long)BigEndian.ReadUInt64(buffer, o + IdOffset + 2 * Id128.Size),
                OriginName = name,
                Text = text,
                Frame = frame,
            };
        }
    }
}
