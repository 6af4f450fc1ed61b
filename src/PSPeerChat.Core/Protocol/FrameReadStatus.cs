namespace PSPeerChat.Protocol
{
    /// <summary>Outcome of looking for one frame in received bytes.</summary>
    internal enum FrameReadStatus
    {
        /// <summary>A whole frame is there.</summary>
        Frame,
        /// <summary>The bytes end inside a frame: read more.</summary>
        NeedMore,
        /// <summary>The length prefix announces more than MaxFrameBody: fail the link.</summary>
        TooLarge,
        /// <summary>The length prefix is zero (a frame needs at least its type byte): fail the link.</summary>
        Empty,
    }
}
