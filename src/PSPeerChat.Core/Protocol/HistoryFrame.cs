using System;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// The history catch-up frames of protocol.md §3.14 (version 5). HISTORY-REQUEST: type(1) since(8, unix ms) budget(4)
    /// hashes(1) salt(16) filter(0..61,440 bytes, a Bloom filter of the seen keys the requester holds). CATCHUP: type(1)
    /// then one MESSAGE or DIRECT frame body, untouched (its type byte first, its hop byte last). HISTORY-END: type(1)
    /// status(1): 0 done, 1 more, 2 refused.
    /// </summary>
    internal static class HistoryFrame
    {
        /// <summary>The largest filter a request may carry: the frame stays well under the 64 KiB body limit.</summary>
        public const int MaxFilterBytes = 60 * 1024;

        /// <summary>The most bytes one request may ask for.</summary>
        public const int MaxBudget = 1024 * 1024;

        /// <summary>The most hash functions a filter may use: each costs the answering node one probe per stored key.</summary>
        public const int MaxHashes = 16;

        public const int SaltSize = 16;

        /// <summary>Type, since, budget, hashes and salt: the request without its filter.</summary>
        public const int RequestHeader = 1 + 8 + 4 + 1 + SaltSize;

        public const byte Done = 0;
        public const byte More = 1;
        public const byte Refused = 2;

        /// <summary>A decoded HISTORY-REQUEST; the filter is a copy.</summary>
        internal sealed class Request
        {
            public long SinceMs;
            public int Budget;
            public int Hashes;
            public byte[] Salt;
            public byte[] Filter;
        }

        public static byte[] EncodeRequest(long sinceMs, int budget, int hashes, byte[] salt, byte[] filter)
        {
            int body = RequestHeader + filter.Length;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o] = (byte)FrameType.HistoryRequest;
            BigEndian.WriteUInt64(frame, o + 1, (ulong)sinceMs);
            BigEndian.WriteUInt32(frame, o + 9, (uint)budget);
            frame[o + 13] = (byte)hashes;
            Buffer.BlockCopy(salt, 0, frame, o + 14, SaltSize);
            Buffer.BlockCopy(filter, 0, frame, o + RequestHeader, filter.Length);
            return frame;
        }

        /// <summary>The request, or null with <paramref name="error"/> when it breaks §3.14 (the caller closes the link).</summary>
        public static Request TryDecodeRequest(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            if (bodyLength < RequestHeader) error = "a HISTORY-REQUEST shorter than its header";
            else if (bodyLength - RequestHeader > MaxFilterBytes) error = "a HISTORY-REQUEST whose filter is over " + MaxFilterBytes + " bytes";
            if (error != null) return null;
            var request = new Request
            {
                SinceMs = (long)BigEndian.ReadUInt64(buffer, bodyOffset + 1),
                Budget = (int)Math.Min(int.MaxValue, BigEndian.ReadUInt32(buffer, bodyOffset + 9)),
                Hashes = buffer[bodyOffset + 13],
                Salt = new byte[SaltSize],
                Filter = new byte[bodyLength - RequestHeader],
            };
            if (request.Budget < 1 || request.Budget > MaxBudget) error = "a HISTORY-REQUEST asking for " + request.Budget + " bytes (1 to " + MaxBudget + ")";
            else if (request.Hashes < 1 || request.Hashes > MaxHashes) error = "a HISTORY-REQUEST with " + request.Hashes + " hash functions (1 to " + MaxHashes + ")";
            if (error != null) return null;
            Buffer.BlockCopy(buffer, bodyOffset + 14, request.Salt, 0, SaltSize);
            Buffer.BlockCopy(buffer, bodyOffset + RequestHeader, request.Filter, 0, request.Filter.Length);
            return request;
        }

        /// <summary>
        /// A stored flooded frame (length prefix included) wrapped in a CATCHUP, or null when the wrapped frame would pass
        /// the 64 KiB body limit (such a frame is not served).
        /// </summary>
        public static byte[] WrapCatchUp(byte[] flooded)
        {
            int inner = flooded.Length - ProtocolLimits.LengthPrefix;
            int body = 1 + inner;
            if (body > ProtocolLimits.MaxFrameBody) return null;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            frame[ProtocolLimits.LengthPrefix] = (byte)FrameType.CatchUp;
            Buffer.BlockCopy(flooded, ProtocolLimits.LengthPrefix, frame, ProtocolLimits.LengthPrefix + 1, inner);
            return frame;
        }

        /// <summary>
        /// The flooded frame inside a CATCHUP, copied into a buffer of its own with its length prefix (the decoders read
        /// the prefix in front of the body); null when it is empty or not a MESSAGE or DIRECT.
        /// </summary>
        public static byte[] TryUnwrapCatchUp(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            int inner = bodyLength - 1;
            if (inner < 1)
            {
                error = "an empty CATCHUP";
                return null;
            }
            var type = (FrameType)buffer[bodyOffset + 1];
            if (type != FrameType.Message && type != FrameType.Direct)
            {
                error = "a CATCHUP carrying a frame of type " + (byte)type + " (only MESSAGE and DIRECT are caught up)";
                return null;
            }
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + inner];
            BigEndian.WriteUInt32(frame, 0, (uint)inner);
            Buffer.BlockCopy(buffer, bodyOffset + 1, frame, ProtocolLimits.LengthPrefix, inner);
            return frame;
        }

        public static byte[] EncodeEnd(byte status)
        {
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + 2];
            BigEndian.WriteUInt32(frame, 0, 2);
            frame[4] = (byte)FrameType.HistoryEnd;
            frame[5] = status;
            return frame;
        }

        /// <summary>The status of a HISTORY-END; false when it is malformed or unknown.</summary>
        public static bool TryDecodeEnd(byte[] buffer, int bodyOffset, int bodyLength, out byte status)
        {
            status = bodyLength >= 2 ? buffer[bodyOffset + 1] : (byte)255;
            return bodyLength == 2 && status <= Refused;
        }
    }
}
