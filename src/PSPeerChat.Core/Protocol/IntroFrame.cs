using System;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// INTRO (protocol.md §3.1): the first frame inside the records of an encrypted link, one from each side. Body:
    /// type(1) linkToken(8) listenPort(2) nameLength(1) name(n), nothing after the name. The dialler chooses the link
    /// token and the acceptor echoes it; with the dialler's id it orders duplicate links. Who sends it was proven by
    /// the handshake, so it needs no signature of its own.
    /// </summary>
    internal sealed class IntroFrame
    {
        private const int FixedBody = 1 + 8 + 2 + 1;

        public ulong LinkToken { get; private set; }

        public ushort ListenPort { get; private set; }

        public string Name { get; private set; }

        public static byte[] Encode(ulong linkToken, ushort listenPort, string name)
        {
            byte[] nameBytes = Utf8.Strict.GetBytes(name ?? string.Empty);
            if (nameBytes.Length > ProtocolLimits.MaxNameBytes) throw new ArgumentException("Name is too long.", nameof(name));
            int body = FixedBody + nameBytes.Length;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o++] = (byte)FrameType.Intro;
            BigEndian.WriteUInt64(frame, o, linkToken);
            o += 8;
            BigEndian.WriteUInt16(frame, o, listenPort);
            o += 2;
            frame[o++] = (byte)nameBytes.Length;
            Buffer.BlockCopy(nameBytes, 0, frame, o, nameBytes.Length);
            return frame;
        }

        /// <summary>Decodes an INTRO body (from its type byte); null with a reason when it is malformed.</summary>
        public static IntroFrame TryDecode(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            if (bodyLength < FixedBody || buffer[bodyOffset] != (byte)FrameType.Intro)
            {
                error = "the first frame after the handshake is not an INTRO";
                return null;
            }
            int o = bodyOffset + 1;
            var intro = new IntroFrame { LinkToken = BigEndian.ReadUInt64(buffer, o) };
            o += 8;
            intro.ListenPort = BigEndian.ReadUInt16(buffer, o);
            o += 2;
            int nameLength = buffer[o++];
            if (nameLength > ProtocolLimits.MaxNameBytes || o + nameLength != bodyOffset + bodyLength)
            {
                error = "bad name length in INTRO (an INTRO ends with its name)";
                return null;
            }
            try
            {
                intro.Name = Utf8.CleanName(Utf8.Strict.GetString(buffer, o, nameLength));
            }
            catch (ArgumentException)
            {
                error = "the name in INTRO is not UTF-8";
                return null;
            }
            return intro;
        }
    }
}
