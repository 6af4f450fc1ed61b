using System;

namespace PSPeerChat
{
    /// <summary>A broadcast as a node received (or, with -PassThru, sent) it.</summary>
    public sealed class PeerMessage
    {
        /// <summary>128-bit message id (32 hex digits), the same on every node.</summary>
        public string Id { get; internal set; }

        /// <summary>The origin: its node id, or for a message from a plain text peer, that peer's address.</summary>
        public string From { get; internal set; }

        /// <summary>The name the origin gave itself (names are not unique; From is).</summary>
        public string FromName { get; internal set; }

        public string Text { get; internal set; }

        /// <summary>When the origin sent it, by the origin's clock.</summary>
        public DateTimeOffset SentAt { get; internal set; }

        /// <summary>When this node received it, by this node's clock.</summary>
        public DateTimeOffset ReceivedAt { get; internal set; }

        /// <summary>Links the message travelled to get here (1 = straight from the origin; 0 = sent by this node).</summary>
        public int Hops { get; internal set; }

        /// <summary>Id of the neighbour that handed it to this node (a text peer's address); empty for our own messages.</summary>
        public string Via { get; internal set; }

        /// <summary>How the message entered the network: PeerChat, or Text for a line from a plain text peer.</summary>
        public PeerProtocol Protocol { get; internal set; }

        /// <summary>Name of the local node that received it (several nodes may run in one session).</summary>
        public string ReceivedBy { get; internal set; }

        /// <summary>
        /// True when the origin's signature was checked (and, for a direct message, the decryption too). False for a
        /// line from a plain text peer: the gateway node that took it in signed it, but nothing proves who typed it.
        /// </summary>
        public bool Verified { get; internal set; }

        /// <summary>True for an end-to-end encrypted message sent to one node only (Send-PeerMessage -To).</summary>
        public bool IsDirect { get; internal set; }

        /// <summary>For a direct message: the id of the node it was sent to; empty for a broadcast.</summary>
        public string To { get; internal set; } = string.Empty;

        /// <summary>
        /// True when the message reached this node by history catch-up (protocol.md §3.12): sent while this node was away
        /// or not yet linked, and handed over by a neighbour when the link came up. SentAt is still the origin's time.
        /// </summary>
        public bool CaughtUp { get; internal set; }

        /// <summary>For a text peer's line: the id of the node that took it into the network and signed it.</summary>
        public string Gateway { get; internal set; } = string.Empty;

        /// <summary>The first 8 hex digits of the origin's id, shown beside its name (names are not unique, ids are).</summary>
        public string FromShortId => Protocol == PeerProtocol.Text || From == null ? string.Empty : From.Substring(0, Math.Min(8, From.Length));

        public override string ToString() => FromName + ": " + Text;

        /// <summary>
        /// What the message holds on the managed heap, about: its strings (two bytes a character) and the object. The
        /// inbox and the event queue are bounded by this as well as by count.
        /// </summary>
        internal long SizeBytes => 200 + 2L * ((Text?.Length ?? 0) + (FromName?.Length ?? 0) + (From?.Length ?? 0) + (Via?.Length ?? 0)
            + (Id?.Length ?? 0) + (ReceivedBy?.Length ?? 0) + (To?.Length ?? 0) + (Gateway?.Length ?? 0));
    }
}
