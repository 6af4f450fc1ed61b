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
        Auth = 8,
        Direct = 9,
        Announce = 10,
    }
}
