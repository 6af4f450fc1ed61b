using System;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// HELLO, the first frame each side sends (protocol.md §3.1). Exactly this, no trailing bytes (they could be
    /// spliced into the AUTH transcript); later versions change the version byte. Body:
    /// type(1) magic "PSPC"(4) version(1) flags(1) nodeId(16) linkToken(8) listenPort(2) signingKey(32)
    /// encryptionKey(32) nonce(32) nameLength(1) name(n). Magic and version never move, so any later version is
    /// recognised and refused cleanly. The link token is chosen by the dialler and echoed by the acceptor; it orders
    /// duplicate links. The nonce makes the AUTH signatures of this link fresh (§3.7).
    /// </summary>
    internal sealed class HelloFrame
    {
        private const int FixedBody = 1 + 4 + 1 + 1 + Id128.Size + 8 + 2 + 3 * NodeIdentity.KeySize + 1;
        public const int NonceSize = 32;

        public byte Version { get; private set; }
        public Id128 NodeId { get; private set; }
        public ulong LinkToken { get; private set; }
        public ushort ListenPort { get; private set; }
        public byte[] SigningKey { get; private set; }
        public byte[] EncryptionKey { get; private set; }
        public string Name { get; private set; }

        /// <summary>The body as received: half of the AUTH transcript.</summary>
        public byte[] Body { get; private set; }

        public static byte[] Encode(NodeIdentity identity, ulong linkToken, ushort listenPort, string name, byte[] nonce)
        {
            byte[] nameBytes = Utf8.Strict.GetBytes(name ?? string.Empty);
            if (nameBytes.Length > ProtocolLimits.MaxNameBytes) throw new ArgumentException("Name is too long.", nameof(name));
            int body = FixedBody + nameBytes.Length;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o++] = (byte)FrameType.Hello;
            Buffer.BlockCopy(ProtocolLimits.Magic, 0, frame, o, 4);
            o += 4;
            frame[o++] = ProtocolLimits.Version;
            frame[o++] = 0;
            identity.NodeId.Write(frame, o);
            o += Id128.Size;
            BigEndian.WriteUInt64(frame, o, linkToken);
            o += 8;
            BigEndian.WriteUInt16(frame, o, listenPort);
            o += 2;
            Buffer.BlockCopy(identity.SigningPublicKey, 0, frame, o, NodeIdentity.KeySize);
            o += NodeIdentity.KeySize;
            Buffer.BlockCopy(identity.EncryptionPublicKey, 0, frame, o, NodeIdentity.KeySize);
            o += NodeIdentity.KeySize;
            Buffer.BlockCopy(nonce, 0, frame, o, NonceSize);
            o += NonceSize;
            frame[o++] = (byte)nameBytes.Length;
            Buffer.BlockCopy(nameBytes, 0, frame, o, nameBytes.Length);
            return frame;
        }

        /// <summary>The body of an encoded HELLO frame (without its length prefix): our half of the transcript.</summary>
        public static byte[] BodyOf(byte[] frame)
        {
            byte[] body = new byte[frame.Length - ProtocolLimits.LengthPrefix];
            Buffer.BlockCopy(frame, ProtocolLimits.LengthPrefix, body, 0, body.Length);
            return body;
        }

        /// <summary>
        /// Decodes a HELLO body (starting at its type byte). Returns null with a reason when it is malformed; a HELLO
        /// of another version comes back with only <see cref="Version"/> set, for the caller to refuse.
        /// </summary>
        public static HelloFrame TryDecode(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            if (bodyLength < 6 || buffer[bodyOffset] != (byte)FrameType.Hello)
            {
                error = "the first frame is not a HELLO";
                return null;
            }
            int o = bodyOffset + 1;
            for (int i = 0; i < 4; i++)
            {
                if (buffer[o + i] != ProtocolLimits.Magic[i])
                {
                    error = "bad magic in HELLO";
                    return null;
                }
            }
            o += 4;
            var hello = new HelloFrame { Version = buffer[o] };
            if (hello.Version != ProtocolLimits.Version) return hello; // the caller refuses the version
            if (bodyLength < FixedBody)
            {
                error = "HELLO shorter than its fields";
                return null;
            }
            o += 2; // version, flags (none defined)
            hello.NodeId = Id128.Read(buffer, o);
            o += Id128.Size;
            hello.LinkToken = BigEndian.ReadUInt64(buffer, o);
            o += 8;
            hello.ListenPort = BigEndian.ReadUInt16(buffer, o);
            o += 2;
            hello.SigningKey = Slice(buffer, o, NodeIdentity.KeySize);
            o += NodeIdentity.KeySize;
            hello.EncryptionKey = Slice(buffer, o, NodeIdentity.KeySize);
            o += NodeIdentity.KeySize + NonceSize;
            int nameLength = buffer[o++];
            if (nameLength > ProtocolLimits.MaxNameBytes || o + nameLength != bodyOffset + bodyLength)
            {
                error = "bad name length in HELLO (a HELLO ends with its name)";
                return null;
            }
            try
            {
                hello.Name = Utf8.CleanName(Utf8.Strict.GetString(buffer, o, nameLength));
            }
            catch (ArgumentException)
            {
                error = "the name in HELLO is not UTF-8";
                return null;
            }
            hello.Body = Slice(buffer, bodyOffset, bodyLength);
            return hello;
        }

        private static byte[] Slice(byte[] buffer, int offset, int length)
        {
            byte[] copy = new byte[length];
            Buffer.BlockCopy(buffer, offset, copy, 0, length);
            return copy;
        }
    }
}
