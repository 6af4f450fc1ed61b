using System;

namespace PSPeerChat
{
    /// <summary>.NET events of a node (use Register-ObjectEvent from PowerShell). Raised outside every lock; a failing handler is ignored.</summary>
    public sealed partial class PeerNode
    {
        /// <summary>A message was delivered to this node.</summary>
        public event EventHandler<PeerMessageEventArgs> MessageReceived;

        /// <summary>A link finished its handshake.</summary>
        public event EventHandler<PeerEventArgs> PeerConnected;

        /// <summary>A registered link closed; Peer.CloseReason says why.</summary>
        public event EventHandler<PeerEventArgs> PeerDisconnected;

        private void RaiseMessageReceived(PeerMessage message)
        {
            EventHandler<PeerMessageEventArgs> handler = MessageReceived;
            if (handler == null) return;
            Safely(() => handler(this, new PeerMessageEventArgs(message)));
        }

        private void RaisePeerConnected(Peer peer)
        {
            EventHandler<PeerEventArgs> handler = PeerConnected;
            if (handler == null) return;
            Safely(() => handler(this, new PeerEventArgs(peer)));
        }

        private void RaisePeerDisconnected(Peer peer)
        {
            EventHandler<PeerEventArgs> handler = PeerDisconnected;
            if (handler == null) return;
            Safely(() => handler(this, new PeerEventArgs(peer)));
        }

        private static void Safely(Action raise)
        {
            try
            {
                raise();
            }
            catch (Exception)
            {
                // A subscriber's failure must not cost the link that happened to raise the event.
            }
        }
    }
}
