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

        /// <summary>The text; for an object message (<see cref="IsObject"/>), the object as compact JSON.</summary>
        public string Text { get; internal set; }

        /// <summary>True when the message carries an object (Send-PeerMessage -InputObject): <see cref="Data"/> holds it.</summary>
        public bool IsObject { get; internal set; }

        /// <summary>
        /// The object of an object message, rebuilt from its JSON as property bags (in PowerShell a PSCustomObject, arrays
        /// as object[]; never a .NET type the sender named); null for a text message. Built on first access by the
        /// converter the module installs (<see cref="DataConverter"/>); without it, the engine's neutral tree.
        /// </summary>
        public object Data
        {
            get
            {
                if (!IsObject) return null;
                lock (_dataGate)
                {
                    if (!_dataBuilt)
                    {
                        Func<object, object> convert = DataConverter;
                        _data = convert == null ? Content : convert(Content);
                        _dataBuilt = true;
                    }
                    return _data;
                }
            }
        }

        private readonly object _dataGate = new object();
        private object _data;
        private bool _dataBuilt;

        /// <summary>The parsed JSON of an object message: the engine's neutral tree (Content.JsonObject, object[], string, numbers, bool, null).</summary>
        internal object Content { get; set; }

        /// <summary>Values in <see cref="Content"/>, for <see cref="SizeBytes"/>.</summary>
        internal int ContentValues { get; set; }

        /// <summary>
        /// Turns the neutral tree into what <see cref="Data"/> shows; the PowerShell module installs its PSCustomObject
        /// builder at import (the engine has no PowerShell). Process-wide; null: Data is the tree itself.
        /// </summary>
        internal static Func<object, object> DataConverter { get; set; }

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

        /// <summary>The channel it was sent on, without the '#'; '' for the lobby and for direct messages (protocol.md §3.12).</summary>
        public string Channel { get; internal set; } = string.Empty;

        /// <summary>True when it came sealed with a private channel's key (and opened with this node's key for it).</summary>
        public bool Private { get; internal set; }
        /// <summary>
        /// True when the message reached this node by history catch-up (protocol.md §3.14): sent while this node was away
        /// or not yet linked, and handed over by a neighbour when the link came up. SentAt is still the origin's time.
        /// </summary>
        public bool CaughtUp { get; internal set; }

        /// <summary>For a text peer's line: the id of the node that took it into the network and signed it.</summary>
        public string Gateway { get; internal set; } = string.Empty;

        /// <summary>The first 8 hex digits of the origin's id, shown beside its name (names are not unique, ids are).</summary>
        public string FromShortId => Protocol == PeerProtocol.Text || From == null ? string.Empty : From.Substring(0, Math.Min(8, From.Length));

        public override string ToString() => (string.IsNullOrEmpty(Channel) ? string.Empty : "#" + Channel + " ") + FromName + ": " + Text;

        /// <summary>
        /// What the message holds on the managed heap, about: its strings (two bytes a character) and the object. The
        /// inbox and the event queue are bounded by this as well as by count.
        /// </summary>
        internal long SizeBytes => 200 + 2L * ((Text?.Length ?? 0) + (FromName?.Length ?? 0) + (From?.Length ?? 0) + (Via?.Length ?? 0)
            + (Id?.Length ?? 0) + (ReceivedBy?.Length ?? 0) + (To?.Length ?? 0) + (Gateway?.Length ?? 0) + (Channel?.Length ?? 0))
            + 64L * ContentValues + (IsObject ? 2L * (Text?.Length ?? 0) : 0); // the tree: its values and strings (twice: tree and Data)
    }
}
