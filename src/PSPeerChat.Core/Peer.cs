using System;
using PSPeerChat.Links;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>A link of a node to a neighbour, as the user sees it. Its counters are live: read them again to see them move.</summary>
    public sealed class Peer
    {
        internal Peer(PeerNode node, Link link)
        {
            LocalNode = node;
            Link = link;
        }

        /// <summary>The neighbour's node id (32 hex digits); for a plain text peer (or before its handshake), its address.</summary>
        public string Id => Link.RemoteLabel;

        /// <summary>The name the neighbour gave itself; for a plain text peer, its address.</summary>
        public string Name => Link.RemoteName ?? Link.Address;

        /// <summary>The neighbour's end of the socket, host:port.</summary>
        public string Address => Link.Address;

        /// <summary>Where the neighbour listens (its host as we see it, with the port from its INTRO); empty if it does not listen.</summary>
        public string ListenAddress => Link.ListenEndPoint == null ? string.Empty : EndPoints.Format(Link.ListenEndPoint);

        public PeerDirection Direction => Link.Direction;

        public PeerProtocol Protocol => Link.Protocol;

        /// <summary>
        /// True when every frame of the link travels encrypted and authenticated (protocol.md §9): PeerChat links once
        /// their handshake is through. Plain text peers (the article's program, nc) are never encrypted.
        /// </summary>
        public bool Encrypted => Link.IsEncrypted;

        /// <summary>The handshake of the link: Noise_XX_25519_ChaChaPoly_SHA256 for PeerChat links, "none" for plain text peers.</summary>
        public string Handshake => Link.HandshakeName;

        public DateTimeOffset ConnectedAt => Link.ConnectedAt;

        public PeerState State => Link.State;

        /// <summary>Why the link closed (None while it is open).</summary>
        public CloseReason CloseReason => Link.CloseReason;

        /// <summary>The detail given with the close, by us or by the neighbour.</summary>
        public string CloseDetail => Link.CloseDetail;

        /// <summary>Name of the local node this link belongs to.</summary>
        public string Node => LocalNode.Name;

        public long MessagesReceived => Link.Counters.MessagesReceived;

        public long MessagesSent => Link.Counters.MessagesSent;

        public long BytesReceived => Link.Counters.BytesReceived;

        public long BytesSent => Link.Counters.BytesSent;

        /// <summary>Messages not sent to this neighbour because its send queue was full (a slow consumer).</summary>
        public long SendDrops => Link.Counters.SendDrops;

        /// <summary>Round-trip time of the last keepalive PING, in milliseconds (-1 until the first PONG).</summary>
        public long LatencyMs => Link.Counters.LatencyMs;

        /// <summary>Frames waiting in this link's send queue.</summary>
        public int SendQueueLength => Link.QueueLength;

        internal PeerNode LocalNode { get; }

        internal Link Link { get; }

        public override string ToString() => Name + " (" + Address + ")";
    }
}
