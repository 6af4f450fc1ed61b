using System;

namespace PSPeerChat
{
    /// <summary>
    /// .NET events of a node (from PowerShell: Register-ObjectEvent, Wait-Event). They are raised on the node's own
    /// event thread, outside every lock and never on a link's thread, so a slow or failing handler cannot stall the
    /// network; if handlers fall 10,000 events behind, further events are dropped and counted in EventsDropped.
    /// </summary>
    public sealed partial class PeerNode
    {
        /// <summary>A message was delivered to this node (it is in the inbox as well).</summary>
        public event EventHandler<PeerMessageEventArgs> MessageReceived
        {
            add => _events.AddMessageReceived(value);
            remove => _events.RemoveMessageReceived(value);
        }

        /// <summary>A link finished its handshake.</summary>
        public event EventHandler<PeerEventArgs> PeerConnected
        {
            add => _events.AddPeerConnected(value);
            remove => _events.RemovePeerConnected(value);
        }

        /// <summary>A registered link closed; Peer.CloseReason says why.</summary>
        public event EventHandler<PeerEventArgs> PeerDisconnected
        {
            add => _events.AddPeerDisconnected(value);
            remove => _events.RemovePeerDisconnected(value);
        }

        /// <summary>Events not raised because the handlers were too far behind.</summary>
        public long EventsDropped => _events.Dropped;
    }
}
