namespace PSPeerChat.Protocol
{
    /// <summary>The verdict in a DIALBACK-RESULT (protocol.md §3.11).</summary>
    internal enum DialBackOutcome : byte
    {
        /// <summary>The dial-back reached the asker's listen port and Noise message 2 carried the asker's node id.</summary>
        Reachable = 1,

        /// <summary>The dial-back failed: refused, timed out, or another node answered there.</summary>
        Unreachable = 2,

        /// <summary>Not tried: the asker names no listen port, or the node is dialling back as many as it will at once.</summary>
        Refused = 3,
    }
}
