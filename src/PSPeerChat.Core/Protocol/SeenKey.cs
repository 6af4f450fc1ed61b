using System;
using System.Security.Cryptography;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// The key under which the seen cache remembers a flooded frame (protocol.md §4.1). For signed frames it is a hash
    /// of origin and message id together: another node cannot reuse a message's id under its own signature to make
    /// the original look like a duplicate. A DIRECT hides its sender, so its key is the message id alone.
    /// </summary>
    internal static class SeenKey
    {
        [ThreadStatic] private static SHA256 t_sha;
        [ThreadStatic] private static byte[] t_input;

        public static Id128 Of(Id128 origin, Id128 id)
        {
            SHA256 sha = t_sha ?? (t_sha = SHA256.Create());
            byte[] input = t_input ?? (t_input = new byte[2 * Id128.Size]);
            origin.Write(input, 0);
            id.Write(input, Id128.Size);
            return Id128.Read(sha.ComputeHash(input), 0);
        }

        /// <summary>The key of a frame still in the receive buffer, read without decoding it; false when too short.</summary>
        public static bool TryPeek(byte[] buffer, int bodyOffset, int bodyLength, out Id128 key)
        {
            key = default;
            if (!MessageFrame.TryPeekId(buffer, bodyOffset, bodyLength, out Id128 id)) return false;
            if ((FrameType)buffer[bodyOffset] == FrameType.Direct)
            {
                key = id;
                return true;
            }
            int originOffset = bodyOffset + MessageFrame.IdOffset + Id128.Size;
            if (originOffset + Id128.Size > bodyOffset + bodyLength) return false;
            key = Of(Id128.Read(buffer, originOffset), id);
            return true;
        }
    }
}
