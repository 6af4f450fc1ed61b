using System;
using Org.BouncyCastle.Crypto.Digests;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// The key under which the seen cache remembers a flooded frame (protocol.md §4.1): the first 16 bytes of a SHA-256
    /// over the frame type and what identifies the message. For signed frames that is origin and message id, so another
    /// node cannot reuse a message's id under its own signature to make the original look like a duplicate. A DIRECT
    /// hides its sender, so its key hashes the message id alone. The type in front keeps the kinds apart: a DIRECT,
    /// which relays cannot check, can never carry the key of a broadcast (a junk DIRECT under a broadcast's key would
    /// otherwise censor it).
    /// </summary>
    internal static class SeenKey
    {
        private const int SignedInput = 1 + 2 * Id128.Size;
        private const int DirectInput = 1 + Id128.Size;

        // BouncyCastle's managed SHA-256, not the platform's: for 17 or 33 bytes a call, the platform hash spent more in the
        // native calls around it (and a 32-byte result array a copy) than in hashing; every copy of a flooded frame pays this.
        [ThreadStatic] private static Sha256Digest t_sha;
        [ThreadStatic] private static byte[] t_hash;
        [ThreadStatic] private static byte[] t_signed;
        [ThreadStatic] private static byte[] t_direct;

        /// <summary>The key of a MESSAGE or ANNOUNCE.</summary>
        public static Id128 Of(FrameType type, Id128 origin, Id128 id)
        {
            byte[] input = t_signed ?? (t_signed = new byte[SignedInput]);
            input[0] = (byte)type;
            origin.Write(input, 1);
            id.Write(input, 1 + Id128.Size);
            return Hash(input);
        }

        /// <summary>The key of a DIRECT.</summary>
        public static Id128 OfDirect(Id128 id)
        {
            byte[] input = t_direct ?? (t_direct = new byte[DirectInput]);
            input[0] = (byte)FrameType.Direct;
            id.Write(input, 1);
            return Hash(input);
        }

        /// <summary>The key of a frame still in the receive buffer, read without decoding it; false when too short.</summary>
        public static bool TryPeek(byte[] buffer, int bodyOffset, int bodyLength, out Id128 key)
        {
            key = default;
            if (!MessageFrame.TryPeekId(buffer, bodyOffset, bodyLength, out Id128 id)) return false;
            var type = (FrameType)buffer[bodyOffset];
            if (type == FrameType.Direct)
            {
                key = OfDirect(id);
                return true;
            }
            int originOffset = bodyOffset + MessageFrame.IdOffset + Id128.Size;
            if (originOffset + Id128.Size > bodyOffset + bodyLength) return false;
            key = Of(type, Id128.Read(buffer, originOffset), id);
            return true;
        }

        private static Id128 Hash(byte[] input)
        {
            Sha256Digest sha = t_sha ?? (t_sha = new Sha256Digest());
            byte[] hash = t_hash ?? (t_hash = new byte[32]);
            sha.BlockUpdate(input, 0, input.Length);
            sha.DoFinal(hash, 0); // and resets for the next key
            return Id128.Read(hash, 0);
        }
    }
}
