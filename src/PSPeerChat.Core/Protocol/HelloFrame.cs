using System;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// HELLO, the first frame each side sends (protocol.md §3.1):
    /// type(1) magic "PSPC"(4) version(1) flags(1) nodeId(16) linkToken(8) listenPort(2) nameLength(1) name(n).
    /// The link token is chosen by the dialer and echoed by the acceptor; it orders duplicate links (protocol.md §3.1).
    /// Trailing bytes are ignored so later versions can append fields.
    /// </summary>
    internal sealed class HelloFrame
    {
        private const int FixedBody = 1 + 4 + 1 + 1 + Id128.Size + 8 + 2 + 1;

        public byte Version;
        public Id128 NodeId;
        public ulong LinkToken;
        public ushort ListenPort;
        public string Name;

        public static byte[] Encode(Id128 nodeId, ulong linkToken, ushort listenPort, string name)
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
            nodeId.Write(frame, o);
            o += Id128.Size;
            BigEndian.WriteUInt64(frame, o, linkToken);
            o += 8;
            BigEndian.WriteUInt16(frame, o, listenPort);
            o += 2;
            frame[o++] = (byte)nameBytes.Length;
            Buffer.BlockCopy(nameBytes, 0, frame, o, nameBytes.Length);
            return frame;
        }

        /// <summary>Decodes a HELLO body (starting at its type byte). Returns null with a reason when it is malformed.</summary>
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
            if (hello.Version == ProtocolLimits.Version && bodyLength < FixedBody)
            {
                error = "HELLO shorter than its fields";
                return null;
            }
            if (hello.Version != ProtocolLimits.Version) return hello; // magic and version never move: the caller refuses the version
            o += 2; // version, flags (none defined in version 1)
            hello.NodeId = Id128.Read(buffer, o);
            o += Id128.Size;
            hello.LinkToken = BigEndian.ReadUInt64(buffer, o);
            o += 8;
            hello.ListenPort = BigEndian.ReadUInt16(buffer, o);
            o += 2;
            int nameLength = buffer[o++];
            if (nameLength > ProtocolLimits.MaxNameBytes || o + nameLength > bodyOffset + bodyLength)
            {
                error = "bad name length in HELLO";
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
            return hello;
        }
    }
}
