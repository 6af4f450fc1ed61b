namespace PSPeerChat.Protocol
{
    /// <summary>
    /// HELLO, the dialler's first frame (protocol.md §3.1): type(1) magic "PSPC"(4) version(1) flags(1), in the clear,
    /// exactly 7 body bytes in version 4. It says only which protocol and version follow; who is dialling is proven
    /// later, inside the Noise handshake (§9). Magic and version never move, so a node of any version recognises
    /// another version's HELLO and refuses it with CLOSE VersionMismatch. The body is the Noise prologue (§9.2):
    /// both sides mix the bytes they sent and received into the handshake, so a changed flag fails it.
    /// </summary>
    internal sealed class HelloFrame
    {
        public const int BodySize = 1 + 4 + 1 + 1;

        public byte Version { get; private set; }

        public byte Flags { get; private set; }

        /// <summary>The body as received (the prologue of the handshake).</summary>
        public byte[] Body { get; private set; }

        /// <summary>This version's HELLO frame, length prefix included.</summary>
        public static byte[] Encode()
        {
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + BodySize];
            BigEndian.WriteUInt32(frame, 0, BodySize);
            int o = ProtocolLimits.LengthPrefix;
            frame[o++] = (byte)FrameType.Hello;
            System.Buffer.BlockCopy(ProtocolLimits.Magic, 0, frame, o, 4);
            o += 4;
            frame[o++] = ProtocolLimits.Version;
            frame[o] = 0; // flags: none defined
            return frame;
        }

        /// <summary>The body of an encoded HELLO frame (without its length prefix).</summary>
        public static byte[] BodyOf(byte[] frame)
        {
            byte[] body = new byte[frame.Length - ProtocolLimits.LengthPrefix];
            System.Buffer.BlockCopy(frame, ProtocolLimits.LengthPrefix, body, 0, body.Length);
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
            for (int i = 0; i < 4; i++)
            {
                if (buffer[bodyOffset + 1 + i] != ProtocolLimits.Magic[i])
                {
                    error = "bad magic in HELLO";
                    return null;
                }
            }
            var hello = new HelloFrame { Version = buffer[bodyOffset + 5] };
            if (hello.Version != ProtocolLimits.Version) return hello; // the caller refuses the version
            if (bodyLength != BodySize)
            {
                error = "a version " + ProtocolLimits.Version + " HELLO is exactly " + BodySize + " bytes, not " + bodyLength;
                return null;
            }
            hello.Flags = buffer[bodyOffset + 6];
            hello.Body = new byte[BodySize];
            System.Buffer.BlockCopy(buffer, bodyOffset, hello.Body, 0, BodySize);
            return hello;
        }
    }
}
