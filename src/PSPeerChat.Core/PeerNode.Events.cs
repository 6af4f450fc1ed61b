using System;
using System.Threading;
using PSPeerChat.Events;

namespace PSPeerChat
{
    /// <summary>
    /// .NET events of a node (from PowerShell: Register-ObjectEvent, Wait-Event). They are raised on the node's own
    /// event thread, outside every lock and never on a socket's thread, so a slow or failing handler cannot stall the
    /// network; if handlers fall 10,000 events behind, further events are dropped and counted in EventsDropped.
    /// </summary>
    public sealed partial class PeerNode
    {
        private const int EventQueueCapacity = 10000;
        private EventDispatcher _events;

        /// <summary>A message was delivered to this node (it is in the inbox as well).</summary>
        public event EventHandler<PeerMessageEventArgs> MessageReceived;

        /// <summary>A link finished its handshake.</summary>
        public event EventHandler<PeerEventArgs> PeerConnected;

        /// <summary>A registered link closed; Peer.CloseReason says why.</summary>
        public event EventHandler<PeerEventArgs> PeerDisconnected;

        /// <summary>Events not raised because the handlers were too far behind.</summary>
        public long EventsDropped => Events.Dropped;

        private EventDispatcher Events
        {
            get
            {
                EventDispatcher events = Volatile.Read(ref _events);
                if (events != null) return events;
                Interlocked.CompareExchange(ref _events, new EventDispatcher(Name, EventQueueCapacity), null);
                return _events;
            }
        }

        private void RaiseMessageReceived(PeerMessage message)
        {
            if (MessageReceived == null) return; // nobody listens: no cost on the message path
            Events.Post(() => InvokeEach(MessageReceived, new PeerMessageEventArgs(message)));
        }

        private void RaisePeerConnected(Peer peer)
        {
            if (PeerConnected == null) return;
            Events.Post(() => InvokeEach(PeerConnected, new PeerEventArgs(peer)));
        }

        private void RaisePeerDisconnected(Peer peer)
        {
            if (PeerDisconnected == null) return;
            Events.Post(() => InvokeEach(PeerDisconnected, new PeerEventArgs(peer)));
        }

        /// <summary>Calls every subscriber on its own: one that throws must not keep the event from the others.</summary>
        private void InvokeEach<T>(EventHandler<T> handlers, T args)
        {
            if (handlers == null) return;
            foreach (Delegate handler in handlers.GetInvocationList())
            {
                try
                {
                    ((EventHandler<T>)handler)(this, args);
                }
                catch (Exception)
                {
                    // that subscriber's problem
                }
            }
        }

        /// <summary>At stop: raise what is queued (the last PeerDisconnected events included), then end the event thread.</summary>
        private void CompleteEvents() => Volatile.Read(ref _events)?.Complete(TimeSpan.FromSeconds(1));
    }
}
