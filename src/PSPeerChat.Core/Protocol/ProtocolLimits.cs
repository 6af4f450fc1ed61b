namespace PSPeerChat.Protocol
{
    /// <summary>The numbers of docs/protocol.md §2 and §6: everything untrusted bytes can grow is capped here.</summary>
    public static class ProtocolLimits
    {
        /// <summary>Protocol version spoken by this build (protocol.md §1).</summary>
        public const byte Version = 5;

        /// <summary>Largest frame body (type byte and payload) accepted or sent: 64 KiB.</summary>
        public const int MaxFrameBody = 64 * 1024;

        /// <summary>Bytes of the length prefix in front of every frame.</summary>
        public const int LengthPrefix = 4;

        /// <summary>Longest plain text line (text protocol), newline included: 64 KiB.</summary>
        public const int MaxLineBytes = 64 * 1024;

        /// <summary>Longest node name, in UTF-8 bytes.</summary>
        public const int MaxNameBytes = 64;

        /// <summary>Longest message text, in UTF-8 bytes; leaves room for the header and the name in one frame and one text line.</summary>
        public const int MaxTextBytes = 64000;

        /// <summary>Longest reason text in a CLOSE frame, in UTF-8 bytes.</summary>
        public const int MaxReasonBytes = 256;

        /// <summary>Default number of links a message may travel (protocol.md §4).</summary>
        public const byte DefaultHopLimit = 32;

        /// <summary>Magic at the start of HELLO: "PSPC".</summary>
        internal static readonly byte[] Magic = { (byte)'P', (byte)'S', (byte)'P', (byte)'C' };
    }
}
