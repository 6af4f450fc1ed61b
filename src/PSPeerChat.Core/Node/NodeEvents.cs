using System;
using System.Threading;
using PSPeerChat.Events;
using PSPeerChat.Settings;

namespace PSPeerChat
{
    /// <summary>
    /// A node's .NET events: the handlers, and raising them on the node's own event thread (<see cref="EventDispatcher"/>),
    /// outside every lock and never on a link's thread. Nobody listening costs nothing on the message path.
    /// </summary>
    internal sealed class NodeEvents
    {
        private readonly PeerNode _sender;
        private EventDispatcher _dispatcher;

        public NodeEvents(PeerNode sender)
        {
            _sender = sender;
        }

        private EventHandler<PeerMessageEventArgs> _messageReceived;
        private EventHandler<PeerEventArgs> _peerConnected;
        private EventHandler<PeerEventArgs> _peerDisconnected;

        public void AddMessageReceived(EventHandler<PeerMessageEventArgs> handler) => Change(ref _messageReceived, handler, add: true);
        public void RemoveMessageReceived(EventHandler<PeerMessageEventArgs> handler) => Change(ref _messageReceived, handler, add: false);
        public void AddPeerConnected(EventHandler<PeerEventArgs> handler) => Change(ref _peerConnected, handler, add: true);
        public void RemovePeerConnected(EventHandler<PeerEventArgs> handler) => Change(ref _peerConnected, handler, add: false);
        public void AddPeerDisconnected(EventHandler<PeerEventArgs> handler) => Change(ref _peerDisconnected, handler, add: true);
        public void RemovePeerDisconnected(EventHandler<PeerEventArgs> handler) => Change(ref _peerDisconnected, handler, add: false);

        public long Dropped => Volatile.Read(ref _dispatcher)?.Dropped ?? 0;

        public void RaiseMessageReceived(PeerMessage message)
        {
            EventHandler<PeerMessageEventArgs> handlers = Volatile.Read(ref _messageReceived);
            if (handlers == null) return;
            Dispatcher.Post(() => InvokeEach(handlers, new PeerMessageEventArgs(message)), message.SizeBytes);
        }

        public void RaisePeerConnected(Peer peer) => Raise(Volatile.Read(ref _peerConnected), peer);

        public void RaisePeerDisconnected(Peer peer) => Raise(Volatile.Read(ref _peerDisconnected), peer);

        /// <summary>At stop: raise what is queued (the last PeerDisconnected events included), then end the event thread.</summary>
        public void Complete() => Volatile.Read(ref _dispatcher)?.Complete(TimeSpan.FromSeconds(1));

        private EventDispatcher Dispatcher
        {
            get
            {
                EventDispatcher dispatcher = Volatile.Read(ref _dispatcher);
                if (dispatcher != null) return dispatcher;
                Interlocked.CompareExchange(ref _dispatcher, new EventDispatcher(_sender.Name, _sender.Options.EventQueueCapacity, _sender.Options.EventQueueBytes), null);
                return _dispatcher;
            }
        }

        /// <summary>What a field-like event does: swap in the combined delegate without a lock.</summary>
        private static void Change<T>(ref EventHandler<T> field, EventHandler<T> handler, bool add)
        {
            EventHandler<T> current = Volatile.Read(ref field);
            while (true)
            {
                var changed = (EventHandler<T>)(add ? Delegate.Combine(current, handler) : Delegate.Remove(current, handler));
                EventHandler<T> seen = Interlocked.CompareExchange(ref field, changed, current);
                if (seen == current) return;
                current = seen;
            }
        }

        private void Raise(EventHandler<PeerEventArgs> handlers, Peer peer)
        {
            if (handlers == null) return;
            Dispatcher.Post(() => InvokeEach(handlers, new PeerEventArgs(peer)));
        }

        /// <summary>Calls every subscriber on its own: one that throws must not keep the event from the others.</summary>
        private void InvokeEach<T>(EventHandler<T> handlers, T args)
        {
            foreach (Delegate handler in handlers.GetInvocationList())
            {
                try
                {
                    ((EventHandler<T>)handler)(_sender, args);
                }
                catch (Exception)
                {
                    // that subscriber's problem
                }
            }
        }
    }
}
