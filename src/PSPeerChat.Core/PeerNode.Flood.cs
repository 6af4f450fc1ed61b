using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>Broadcasting, direct messages, flood relaying with signature and replay checks, and the inbox (protocol.md §4, §5, §8).</summary>
    public sealed partial class PeerNode
    {
        private long _messagesSent;
        private long _messagesDelivered;
        private long _messagesRelayed;
        private long _duplicatesDropped;
        private long _invalidFrames;
        private long _invalidSignatures;
        private long _replaysRefused;
        private long _sendDrops;
        private long _signaturesVerified;
        private readonly ChecksInProgress _checks = new ChecksInProgress();

        /// <summary>Broadcasts and direct messages this node originated.</summary>
        public long MessagesSent => Interlocked.Read(ref _messagesSent);

        /// <summary>Messages delivered to this node's inbox (each once).</summary>
        public long MessagesDelivered => Interlocked.Read(ref _messagesDelivered);

        /// <summary>Messages (broadcasts and direct messages, not announcements) this node passed on to at least one other neighbour, each counted once.</summary>
        public long MessagesRelayed => Interlocked.Read(ref _messagesRelayed);

        /// <summary>Copies of messages received again and dropped (flood fill makes these; they are expected). Announcements are not counted.</summary>
        public long DuplicatesDropped => Interlocked.Read(ref _duplicatesDropped);

        /// <summary>Malformed or oversized frames and lines received (frames close their link; an over-long text line is only dropped).</summary>
        public long InvalidFrames => Interlocked.Read(ref _invalidFrames);

        /// <summary>Forged or altered frames: bad signatures (their link is closed), failed handshake proofs, direct messages to this node that fail to decrypt or verify (dropped only).</summary>
        public long InvalidSignatures => Interlocked.Read(ref _invalidSignatures);

        /// <summary>Signed frames refused because their timestamp is outside the acceptance window (replays, or badly wrong clocks).</summary>
        public long ReplaysRefused => Interlocked.Read(ref _replaysRefused);

        /// <summary>Signatures this node checked: one per first copy of a broadcast or announcement, one per direct message to it, one per handshake.</summary>
        public long SignaturesVerified => Interlocked.Read(ref _signaturesVerified);

        /// <summary>Messages dropped from a full inbox (the oldest goes first).</summary>
        public long InboxDropped => _inbox.Dropped;

        /// <summary>Frames not queued to a neighbour because its send queue was full.</summary>
        public long SendDrops => Interlocked.Read(ref _sendDrops);

        /// <summary>Messages waiting in the inbox.</summary>
        public int InboxCount => _inbox.Count;

        public int InboxCapacity => _inbox.Capacity;

        /// <summary>
        /// Broadcasts a text, signed by this node, to the whole network. Waits (up to Options.SendWait) for room in a
        /// neighbour's full send queue: that is the back-pressure a fast local sender gets. Returns the message as sent.
        /// </summary>
        /// <exception cref="ArgumentException">The text is longer than ProtocolLimits.MaxTextBytes in UTF-8.</exception>
        /// <exception cref="InvalidOperationException">The node is stopped.</exception>
        public PeerMessage Broadcast(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            EnsureRunning();
            FloodMessage message = MessageFrame.CreateMessage(Identity, Id128.NewRandom(), Name, UnixNowMs(), Options.HopLimit, MessageFlags.None, text, Options.SignMessages);
            Originate(message, null, (int)Options.SendWait.TotalMilliseconds);
            Interlocked.Increment(ref _messagesSent);
            return ToPeerMessage(message, null, 0, verified: Options.SignMessages);
        }

        /// <summary>
        /// Sends a text only <paramref name="recipient"/> can read (a node id, a unique id prefix or a name from the
        /// directory). It is flooded like a broadcast, so it works in any topology; relays see neither text nor sender.
        /// </summary>
        /// <exception cref="ArgumentException">The recipient is unknown or ambiguous, or the text is too long.</exception>
        public PeerMessage SendDirect(string recipient, string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            EnsureRunning();
            PeerDirectoryEntry target = ResolveRecipient(recipient);
            Id128.TryParse(target.Id, out Id128 recipientId);
            if (!_directory.TryGetEncryptionKey(recipientId, out byte[] key)) throw new ArgumentException("The node " + target + " has not announced an encryption key yet; wait for its announcement (Get-PeerDirectory) and try again.", nameof(recipient));
            FloodMessage message = DirectFrame.Create(Identity, Name, Id128.NewRandom(), recipientId, key, UnixNowMs(), Options.HopLimit, text);
            Originate(message, null, (int)Options.SendWait.TotalMilliseconds);
            Interlocked.Increment(ref _messagesSent);
            PeerMessage sent = ToPeerMessage(message, null, 0, verified: true);
            sent.From = Id;
            sent.FromName = Name;
            sent.IsDirect = true;
            sent.To = target.Id;
            return sent;
        }

        /// <summary>The directory: every node this node has heard announce itself (or met in a handshake).</summary>
        public PeerDirectoryEntry[] GetDirectory() => _directory.Snapshot(Name).ToArray();

        /// <summary>Moves up to <paramref name="max"/> waiting messages into <paramref name="into"/> at once; returns how many.</summary>
        public int Receive(List<PeerMessage> into, int max = int.MaxValue) => _inbox.TakeAvailable(into, max);

        /// <summary>Takes the next message, waiting up to <paramref name="timeout"/> (Timeout.InfiniteTimeSpan: no limit); null if none came, <paramref name="cancel"/> fired or the node stopped.</summary>
        public PeerMessage Receive(TimeSpan timeout, CancellationToken cancel = default) => _inbox.Take(timeout, cancel);

        internal void CountInvalidFrame() => Interlocked.Increment(ref _invalidFrames);

        internal void CountVerification(bool valid)
        {
            Interlocked.Increment(ref _signaturesVerified);
            if (!valid) Interlocked.Increment(ref _invalidSignatures);
        }

        /// <summary>
        /// A flooded frame (MESSAGE, ANNOUNCE, DIRECT) from a PeerChat link; false when it was malformed or forged (the
        /// link is then closed). Order matters: duplicates go first, untouched; then structure; then the replay window;
        /// then the signature, before anything is delivered or relayed (protocol.md §8.2).
        /// </summary>
        internal bool OnFloodFrame(PeerConnection link, byte[] buffer, int body, int length)
        {
            var type = (FrameType)buffer[body];
            bool chat = type != FrameType.Announce; // announcements are housekeeping: not in the message counters
            bool peeked = SeenKey.TryPeek(buffer, body, length, out Id128 key);
            if (peeked && _router.IsKnown(key))
            {
                if (chat) Interlocked.Increment(ref _duplicatesDropped);
                return true;
            }
            FloodMessage message = type == FrameType.Direct
                ? DirectFrame.TryDecode(buffer, body, length, out string error)
                : MessageFrame.TryDecode(buffer, body, length, out error);
            if (message != null && peeked) message.SeenKey = key; // read from the same bytes a moment ago
            if (message == null || !IsPlausibleTime(message.TimestampMs))
            {
                CountInvalidFrame();
                link.Close(CloseReason.ProtocolError, error ?? "timestamp out of range");
                return false;
            }
            if (!IsFresh(message.TimestampMs))
            {
                Interlocked.Increment(ref _replaysRefused); // a replay or a wrong clock: dropped, the link may be honest
                return true;
            }
            bool unsignedBench = type == FrameType.Message && !Options.SignMessages;
            bool signed = type != FrameType.Direct && !unsignedBench;
            byte[] checkedFrame = message.Frame;
            bool registered = false;
            if (signed && peeked && !_checks.TryBegin(key, checkedFrame, out registered))
            {
                if (chat) Interlocked.Increment(ref _duplicatesDropped); // the same bytes are being checked on another link
                return true;
            }
            try
            {
                if (signed)
                {
                    Interlocked.Increment(ref _signaturesVerified);
                    if (!MessageFrame.VerifySignature(message, Verifier))
                    {
                        Interlocked.Increment(ref _invalidSignatures);
                        link.Close(CloseReason.ProtocolError, "a " + type.ToString().ToUpperInvariant() + " whose signature does not match origin " + message.OriginId.ToString().Substring(0, 8));
                        return false;
                    }
                }
                return Accept(message, link, type, chat, unsignedBench);
            }
            finally
            {
                // After Route: a passed frame is in the seen cache by now, so no copy slips between the two.
                if (registered) _checks.End(key, checkedFrame);
            }
        }

        /// <summary>A flooded frame that passed every check: remembered, relayed and delivered (or opened, for a DIRECT to us).</summary>
        private bool Accept(FloodMessage message, PeerConnection link, FrameType type, bool chat, bool unsignedBench)
        {
            bool forUs = type == FrameType.Direct && message.RecipientId == NodeId;
            // A DIRECT for us is opened before its id is remembered: a tampered copy that arrives first must not
            // make the genuine one look like a duplicate.
            if (forUs && !OpenDirect(message)) return true;
            RouteResult result = _router.Route(message, link, Volatile.Read(ref _links), relay: !forUs, out int relayed, out int dropped);
            if (dropped > 0) Interlocked.Add(ref _sendDrops, dropped);
            if (result != RouteResult.Deliver)
            {
                if (chat) Interlocked.Increment(ref _duplicatesDropped);
                return true;
            }
            if (relayed > 0 && chat) Interlocked.Increment(ref _messagesRelayed);

            switch (type)
            {
                case FrameType.Message:
                    Deliver(message, link, verified: !message.IsTextOrigin && !unsignedBench);
                    return true;
                case FrameType.Announce:
                    OnAnnounce(message);
                    return true;
                default:
                    if (forUs) DeliverDirect(message, link);
                    return true;
            }
        }

        /// <summary>
        /// A line from a plain text peer: it enters the network as a new message, signed by this node as the gateway
        /// and marked TextOrigin, since nothing proves who typed it (protocol.md §5).
        /// False when the link was closed: a NUL byte means binary data (a PeerChat dialler too slow for detection).
        /// </summary>
        internal bool OnTextLine(PeerConnection link, byte[] buffer, int start, int length)
        {
            if (Array.IndexOf(buffer, (byte)0, start, length) >= 0)
            {
                CountInvalidFrame();
                link.Close(CloseReason.ProtocolError, "binary data on a text link");
                return false;
            }
            link.Peer.CountMessageReceived();
            string text = Utf8.Lenient.GetString(buffer, start, length).Trim();
            if (text.Length == 0) return true;
            if (Utf8.Strict.GetByteCount(text) > ProtocolLimits.MaxTextBytes)
            {
                CountInvalidFrame(); // too long for a MESSAGE: dropped, the link stays
                return true;
            }
            FloodMessage message = MessageFrame.CreateMessage(Identity, Id128.NewRandom(), link.Peer.Address, UnixNowMs(), Options.HopLimit, MessageFlags.TextOrigin, text);
            if (Originate(message, link, 0) > 0) Interlocked.Increment(ref _messagesRelayed);
            Deliver(message, link, verified: false);
            return true;
        }

        private int Originate(FloodMessage message, PeerConnection except, int waitMilliseconds)
        {
            _router.Originate(message, except, Volatile.Read(ref _links), waitMilliseconds, out int sent, out int dropped);
            if (dropped > 0) Interlocked.Add(ref _sendDrops, dropped);
            return sent;
        }

        /// <summary>
        /// A DIRECT for this node. One that fails to decrypt or verify is dropped and counted, but its link stays: relays
        /// cannot check a DIRECT, so the neighbour that handed it over is most likely honest (protocol.md §8.4).
        /// </summary>
        private bool OpenDirect(FloodMessage message)
        {
            bool opened = DirectFrame.TryOpen(message, Identity, Verifier, out _, out _);
            CountVerification(opened);
            return opened;
        }

        private void DeliverDirect(FloodMessage message, PeerConnection link)
        {
            PeerMessage delivered = ToPeerMessage(message, link, message.Hops, verified: true);
            delivered.IsDirect = true;
            delivered.To = Id;
            DeliverToInbox(delivered);
        }

        private void Deliver(FloodMessage message, PeerConnection from, bool verified)
        {
            DeliverToInbox(ToPeerMessage(message, from, message.Hops, verified));
        }

        private void DeliverToInbox(PeerMessage delivered)
        {
            Interlocked.Increment(ref _messagesDelivered); // before the inbox: whoever took the message sees the count
            _inbox.Add(delivered);
            RaiseMessageReceived(delivered);
        }

        private PeerMessage ToPeerMessage(FloodMessage message, PeerConnection from, int hops, bool verified)
        {
            return new PeerMessage
            {
                Id = message.Id.ToString(),
                From = message.IsTextOrigin ? message.OriginName : message.OriginId.ToString(),
                FromName = message.OriginName,
                Text = message.Text,
                SentAt = DateTimeOffset.FromUnixTimeMilliseconds(message.TimestampMs).ToLocalTime(),
                ReceivedAt = DateTimeOffset.Now,
                Hops = hops,
                Via = from?.Peer.Id ?? string.Empty,
                Protocol = message.IsTextOrigin ? PeerProtocol.Text : PeerProtocol.PeerChat,
                ReceivedBy = Name,
                Verified = verified,
                Gateway = message.IsTextOrigin ? message.OriginId.ToString() : string.Empty,
            };
        }

        private PeerDirectoryEntry ResolveRecipient(string recipient)
        {
            List<PeerDirectoryEntry> matches = _directory.Find(recipient, Name);
            if (matches.Count == 1) return matches[0];
            if (matches.Count == 0)
            {
                throw new ArgumentException("No node '" + recipient + "' in the directory of " + Name + ". Get-PeerDirectory lists the nodes it has heard of; give a name, an id or an id prefix.", nameof(recipient));
            }
            throw new ArgumentException("'" + recipient + "' is ambiguous: " + string.Join(", ", matches.Select(m => m.Name + " (" + m.ShortId + ")")) + ". Give the id (or a longer prefix) instead of the name.", nameof(recipient));
        }

        /// <summary>
        /// Inside the acceptance window (protocol.md §8.3): not older than the window — nor than the seen cache's
        /// memory, so a replay the cache forgot is still refused — and not further in the future than the clock skew allowed.
        /// </summary>
        private bool IsFresh(long timestampMs)
        {
            long age = UnixNowMs() - timestampMs;
            long window = Math.Min((long)Options.AcceptanceWindow.TotalMilliseconds, _seen.HorizonMs - (long)Options.MaxClockSkew.TotalMilliseconds);
            // Under a flood that fills the seen cache faster than the clock skew, the window would close entirely and
            // refuse every new message. Keep a floor: replays of ids the cache dropped early (SeenCache.EvictedEarly)
            // are then refused only once older than the floor (protocol.md §8.3).
            window = Math.Max(window, Math.Min(MinimumWindowMs, (long)Options.AcceptanceWindow.TotalMilliseconds));
            return age <= window && -age <= (long)Options.MaxClockSkew.TotalMilliseconds;
        }

        private const long MinimumWindowMs = 10000;

        private static long UnixNowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // DateTimeOffset's range; anything outside is a malformed frame, not a crash.
        private static bool IsPlausibleTime(long unixMs) => unixMs >= -62135596800000L && unixMs <= 253402300799999L;
    }
}
