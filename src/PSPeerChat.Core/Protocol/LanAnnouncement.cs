using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// The LAN announcement datagram (protocol.md §10.2): "PCLA", the protocol version, the node id and the TCP port it
    /// listens on, 23 bytes and nothing else. No name: names travel only in the encrypted handshake.
    /// </summary>
    internal static class LanAnnouncement
    {
        /// <summary>The one size an announcement has; any other is refused.</summary>
        public const int Size = 4 + 1 + Id128.Size + 2;

        private static readonly byte[] Magic = { (byte)'P', (byte)'C', (byte)'L', (byte)'A' };

        public static byte[] Encode(Id128 nodeId, ushort port)
        {
            var datagram = new byte[Size];
            Magic.CopyTo(datagram, 0);
            datagram[4] = ProtocolLimits.Version;
            nodeId.Write(datagram, 5);
            BigEndian.WriteUInt16(datagram, 5 + Id128.Size, port);
            return datagram;
        }

        /// <summary>False for anything but an announcement of this version with a node id and a port.</summary>
        public static bool TryDecode(byte[] buffer, int length, out Id128 nodeId, out ushort port)
        {
            nodeId = default(Id128);
            port = 0;
            if (buffer == null || length != Size || buffer.Length < Size) return false;
            for (int i = 0; i < Magic.Length; i++)
            {
                if (buffer[i] != Magic[i]) return false;
            }
            if (buffer[4] != ProtocolLimits.Version) return false;
            nodeId = Id128.Read(buffer, 5);
            port = BigEndian.ReadUInt16(buffer, 5 + Id128.Size);
            return !nodeId.IsEmpty && port != 0;
        }
    }
}
