using System;

namespace PSPeerChat
{
    public sealed class PeerMessageEventArgs : EventArgs
    {
        public PeerMessageEventArgs(PeerMessage message) => Message = message;

        public PeerMessage Message { get; }
    }
}
