using System;
using System.Threading;

namespace PSPeerChat
{
    /// <summary>A link of a node to a neighbour. Its counters are live: read them again to see them move.</summary>
    public sealed class Peer
    {
        private long _messagesReceived;
        private long _messagesSent;
        private long _bytesReceived;
        private long _bytesSent;
        private long _sendDrops;
        private long _latencyMs = -1;
        private int _state;
        private int _closeReason;

        internal Peer(PeerNode node, PeerDirection direction, PeerProtocol protocol, string address)
        {
            LocalNode = node;
            Direction = direction;
            Protocol = protocol;
            Address = address;
            Id = address;
            Name = address;
            ConnectedAt = DateTimeOffset.Now;
        }

        /// <summary>The neighbour's node id (32 hex digits); for a plain text peer, its address.</summary>
        public string Id { get; internal set; }

        /// <summary>The name the neighbour gave itself; for a plain text peer, its address.</summary>
        public string Name { get; internal set; }

        /// <summary>The neighbour's end of the socket, host:port.</summary>
        public string Address { get; }

        /// <summary>Where the neighbour listens (its host as we see it, with the port from its HELLO); empty if it does not listen.</summary>
        public string ListenAddress { get; internal set; } = string.Empty;

        public PeerDirection Direction { get; }

        public PeerProtocol Protocol { get; internal set; }

        public DateTimeOffset ConnectedAt { get; internal set; }

        public PeerState State => (PeerState)Volatile.Read(ref _state);

        /// <summary>Why the link closed (None while it is open).</summary>
        public CloseReason CloseReason => (CloseReason)Volatile.Read(ref _closeReason);

        /// <summary>The detail given with the close, by us or by the neighbour.</summary>
        public string CloseDetail { get; private set; } = string.Empty;

        /// <summary>Name of the local node this link belongs to.</summary>
        public string Node => LocalNode.Name;

        public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

        public long MessagesSent => Interlocked.Read(ref _messagesSent);

        public long BytesReceived => Interlocked.Read(ref _bytesReceived);

        public long BytesSent => Interlocked.Read(ref _bytesSent);

        /// <summary>Messages not sent to this neighbour because its send queue was full (a slow consumer).</summary>
        public long SendDrops => Interlocked.Read(ref _sendDrops);

        /// <summary>Round-trip time of the last keepalive PING, in milliseconds (-1 until the first PONG).</summary>
        public long LatencyMs
        {
            get => Interlocked.Read(ref _latencyMs);
            internal set => Interlocked.Exchange(ref _latencyMs, value);
        }

        /// <summary>Frames waiting in this link's send queue.</summary>
        public int SendQueueLength => Connection?.QueueLength ?? 0;

        internal PeerNode LocalNode { get; }

        internal Transport.PeerConnection Connection { get; set; }

        internal void CountReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

        internal void CountMessageReceived() => Interlocked.Increment(ref _messagesReceived);

        internal void CountSent(long bytes, int messages)
        {
            Interlocked.Add(ref _bytesSent, bytes);
            if (messages > 0) Interlocked.Add(ref _messagesSent, messages);
        }

        internal void CountSendDrop() => Interlocked.Increment(ref _sendDrops);

        internal void MarkConnected() => Interlocked.CompareExchange(ref _state, (int)PeerState.Connected, (int)PeerState.Handshaking);

        /// <summary>Records the first close reason only; later ones (the socket error that follows a CLOSE) are noise.</summary>
        internal bool MarkClosed(CloseReason reason, string detail)
        {
            if (Interlocked.Exchange(ref _state, (int)PeerState.Closed) == (int)PeerState.Closed) return false;
            CloseDetail = detail ?? string.Empty;
            Volatile.Write(ref _closeReason, (int)reason);
            return true;
        }

        public override string ToString() => Name + " (" + Address + ")";
    }
}
