namespace PSPeerChat.Protocol
{
    /// <summary>Network byte order reads and writes on plain arrays (netstandard2.0 has no BinaryPrimitives without an extra package).</summary>
    internal static class BigEndian
    {
        public static ushort ReadUInt16(byte[] b, int o) => (ushort)((b[o] << 8) | b[o + 1]);

        public static uint ReadUInt32(byte[] b, int o) =>
            ((uint)b[o] << 24) | ((uint)b[o + 1] << 16) | ((uint)b[o + 2] << 8) | b[o + 3];

        public static ulong ReadUInt64(byte[] b, int o) => ((ulong)ReadUInt32(b, o) << 32) | ReadUInt32(b, o + 4);

        public static void WriteUInt16(byte[] b, int o, ushort v)
        {
            b[o] = (byte)(v >> 8);
            b[o + 1] = (byte)v;
        }

        public static void WriteUInt32(byte[] b, int o, uint v)
        {
            b[o] = (byte)(v >> 24);
            b[o + 1] = (byte)(v >> 16);
            b[o + 2] = (byte)(v >> 8);
            b[o + 3] = (byte)v;
        }

        public static void WriteUInt64(byte[] b, int o, ulong v)
        {
            WriteUInt32(b, o, (uint)(v >> 32));
            WriteUInt32(b, o + 4, (uint)v);
        }
    }
}
