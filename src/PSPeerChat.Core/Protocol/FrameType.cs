namespace PSPeerChat.Protocol
{
    /// <summary>Frame types of protocol.md §3. Unknown types are skipped by receivers.</summary>
    internal enum FrameType : byte
    {
        Hello = 1,
        Message = 2,
        Close = 3,
        Ping = 4,
        Pong = 5,
        GetAddresses = 6,
        Addresses = 7,
        // 8 was AUTH (version 3); version 4 proves identities in the Noise handshake (protocol.md §9).
        Direct = 9,
        Announce = 10,
        Noise = 11,
        Intro = 12,
        DialBack = 13,
        DialBackResult = 14,
        // Version 5: history catch-up (protocol.md §3.14).
        HistoryRequest = 15,
        CatchUp = 16,
        HistoryEnd = 17,

        /// <summary>A signed, flooded question to every node (protocol.md §11.1).</summary>
        Probe = 18,

        /// <summary>An answer to a PROBE, sent back along the probe's path (protocol.md §11.2).</summary>
        Report = 19,
    }
}
