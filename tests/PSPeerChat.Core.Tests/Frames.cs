using System;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Small helpers to build and inspect encoded frames in tests (protocol version 5 layouts; OldHello builds a version-3 HELLO).</summary>
    internal static class Frames
    {
        // MESSAGE / ANNOUNCE body: type(1) flags(1) hopLimit(1) id(16) originId(16) ts(8) originKey(32) nameLen(1) name
        // [MESSAGE: channelLen(1) channel] payload signature(64) hops(1).
        public const int BodyFlags = 1;
        public const int BodyHopLimit = 2;
        public const int BodyId = 3;
        public const int BodyOrigin = BodyId + 16;
        public const int BodyTime = BodyOrigin + 16;
        public const int BodyKey = BodyTime + 8;
        public const int BodyNameLength = BodyKey + 32;
        public const int SignatureSize = 64;

        /// <summary>Signature and hop count after the payload.</summary>
        public const int Trailer = SignatureSize + 1;

        /// <summary>Smallest MESSAGE body: the fixed fields (channel length included) and the trailer, no name, no channel, no text.</summary>
        public const int MessageMinBody = BodyNameLength + 1 + 1 + Trailer;

        /// <summary>ANNOUNCE's fixed part: as MESSAGE's without the channel length byte (its layout is version 4's).</summary>
        public const int AnnounceFixedBody = BodyNameLength + 1 + Trailer;

        /// <summary>Offset of a MESSAGE's name length byte in the whole frame.</summary>
        public const int MessageNameLengthOffset = ProtocolLimits.LengthPrefix + BodyNameLength;

        /// <summary>The identity test frames are signed with unless a test gives another.</summary>
        public static readonly NodeIdentity Signer = NodeIdentity.Create();

        /// <summary>Milliseconds since 1970 now: what a node's replay window compares against.</summary>
        public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        public static int BodyLength(byte[] frame) => frame.Length - ProtocolLimits.LengthPrefix;

        /// <summary>A body (type byte first) with its 4-byte length prefix in front: a whole frame as sent.</summary>
        public static byte[] Framed(byte[] body)
        {
            var frame = new byte[ProtocolLimits.LengthPrefix + body.Length];
            BigEndian.WriteUInt32(frame, 0, (uint)body.Length);
            Buffer.BlockCopy(body, 0, frame, ProtocolLimits.LengthPrefix, body.Length);
            return frame;
        }

        /// <summary>A signed MESSAGE. The default timestamp is fixed (codec tests); frames for live nodes need <see cref="Now"/>.</summary>
        public static FloodMessage NewMessage(string name = "alice", string text = "hi", byte hopLimit = ProtocolLimits.DefaultHopLimit, NodeIdentity signer = null, MessageFlags flags = MessageFlags.None, long timestampMs = 1_700_000_000_000, Id128? id = null)
        {
            return MessageFrame.CreateMessage(signer ?? Signer, id ?? Id128.NewRandom(), name, timestampMs, hopLimit, flags, text);
        }

        /// <summary>A signed MESSAGE stamped now, as a live node would accept it.</summary>
        public static FloodMessage LiveMessage(NodeIdentity signer, string name, string text, Id128? id = null)
        {
            return NewMessage(name, text, ProtocolLimits.DefaultHopLimit, signer, MessageFlags.None, Now, id);
        }

        public static FloodMessage Decode(byte[] frame)
        {
            FloodMessage message = MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, BodyLength(frame), out string error);
            if (message == null) throw new Xunit.Sdk.XunitException("frame did not decode: " + error);
            return message;
        }

        /// <summary>Index of the hop count in a whole MESSAGE, ANNOUNCE or DIRECT frame: its last byte.</summary>
        public static int HopsIndex(byte[] frame) => frame.Length - 1;

        /// <summary>A copy of a flooded frame with its hop count set (a frame as some relay would forward it).</summary>
        public static byte[] WithHops(byte[] frame, byte hops)
        {
            byte[] copy = (byte[])frame.Clone();
            copy[HopsIndex(copy)] = hops;
            return copy;
        }

        /// <summary>Whole-frame index of the first text byte of a MESSAGE.</summary>
        public static int TextIndex(byte[] frame) => ChannelLengthIndex(frame) + 1 + frame[ChannelLengthIndex(frame)];

        /// <summary>Where a MESSAGE's channel length byte sits in the whole frame: right after the name.</summary>
        public static int ChannelLengthIndex(byte[] frame) => MessageNameLengthOffset + 1 + frame[MessageNameLengthOffset];

        /// <summary>Whole-frame index of the signature of a MESSAGE or ANNOUNCE.</summary>
        public static int SignatureIndex(byte[] frame) => frame.Length - Trailer;

        /// <summary>A copy whose signed region is signed again by <paramref name="signer"/> (after a test changed fields).</summary>
        public static byte[] Resigned(byte[] frame, NodeIdentity signer)
        {
            byte[] copy = (byte[])frame.Clone();
            int signed = BodyLength(copy) - Trailer;
            signer.Sign(copy, ProtocolLimits.LengthPrefix, signed, copy, ProtocolLimits.LengthPrefix + signed);
            return copy;
        }

        /// <summary>A copy with the origin id (and, when given, the origin key) fields replaced; the signature is left as it was.</summary>
        public static byte[] WithOrigin(byte[] frame, Id128 origin, byte[] key = null)
        {
            byte[] copy = (byte[])frame.Clone();
            origin.Write(copy, ProtocolLimits.LengthPrefix + BodyOrigin);
            if (key != null) Buffer.BlockCopy(key, 0, copy, ProtocolLimits.LengthPrefix + BodyKey, key.Length);
            return copy;
        }

        /// <summary>The body of a frame: its bytes after the length prefix.</summary>
        public static byte[] Body(byte[] frame)
        {
            byte[] body = new byte[BodyLength(frame)];
            Buffer.BlockCopy(frame, ProtocolLimits.LengthPrefix, body, 0, body.Length);
            return body;
        }

        /// <summary>
        /// A HELLO as a version-3 node sends it (protocol.md §3.1 of version 3: type, magic, version, flags, node id,
        /// token, port, both keys, a nonce, the name), with <paramref name="version"/> in byte 5.
        /// </summary>
        public static byte[] OldHello(NodeIdentity identity, byte version = 3, string name = "old")
        {
            byte[] nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
            var body = new System.Collections.Generic.List<byte> { (byte)FrameType.Hello, (byte)'P', (byte)'S', (byte)'P', (byte)'C', version, 0 };
            byte[] id = new byte[16];
            identity.NodeId.Write(id, 0);
            body.AddRange(id);
            body.AddRange(new byte[8 + 2]);
            body.AddRange(identity.SigningPublicKey);
            body.AddRange(identity.EncryptionPublicKey);
            body.AddRange(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            body.Add((byte)nameBytes.Length);
            body.AddRange(nameBytes);
            return Prefixed(body.ToArray());
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

        /// <summary>True when <paramref name="needle"/> occurs anywhere in <paramref name="haystack"/>.</summary>
        public static bool Contains(byte[] haystack, byte[] needle)
        {
            return haystack.AsSpan().IndexOf(needle) >= 0;
        }
    }
}
