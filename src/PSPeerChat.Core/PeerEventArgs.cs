using System;

namespace PSPeerChat
{
    public sealed class PeerEventArgs : EventArgs
    {
        public PeerEventArgs(Peer peer) => Peer = peer;

        public Peer Peer { get; }
    }
}
