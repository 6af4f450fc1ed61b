using System;
using System.Collections.Generic;
using System.Threading;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>Broadcasting, flood relaying and the inbox (protocol.md §4 and §5).</summary>
    public sealed partial class PeerNode
    {
        private long _messagesSent;
        private long _messagesDelivered;
        private long _messagesRelayed;
        private long _duplicatesDropped;
        private long _invalidFrames;
        private long _sendDrops;

        /// <summary>Broadcasts this node originated.</summary>
        public long MessagesSent => Interlocked.Read(ref _messagesSent);

        /// <summary>Messages delivered to this node's inbox (each once).</summary>
        public long MessagesDelivered => Interlocked.Read(ref _messagesDelivered);

        /// <summary>Messages this node passed on to at least one other neighbour (each counted once).</summary>
        public long MessagesRelayed => Interlocked.Read(ref _messagesRelayed);

        /// <summary>Copies received again and dropped (flood fill makes these; they are expected).</summary>
        public long DuplicatesDropped => Interlocked.Read(ref _duplicatesDropped);

        /// <summary>Malformed or oversized frames and lines received (frames close their link; an over-long text line is only dropped).</summary>
        public long InvalidFrames => Interlocked.Read(ref _invalidFrames);

        /// <summary>Messages dropped from a full inbox (the oldest goes first).</summary>
        public long InboxDropped => _inbox.Dropped;

        /// <summary>Frames not queued to a neighbour because its send queue was full.</summary>
        public long SendDrops => Interlocked.Read(ref _sendDrops);

        /// <summary>Messages waiting in the inbox.</summary>
        public int InboxCount => _inbox.Count;

        public int InboxCapacity => _inbox.Capacity;

        /// <summary>
        /// Broadcasts a text to the whole network. Waits (up to Options.SendWait) for room in a neighbour's full
        /// send queue: that is the back-pressure a fast local sender gets. Returns the message as sent.
        /// </summary>
        /// <exception cref="ArgumentException">The text is longer than ProtocolLimits.MaxTextBytes in UTF-8.</exception>
        /// <exception cref="InvalidOperationException">The node is stopped.</exception>
        public PeerMessage Broadcast(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            EnsureRunning();
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            FloodMessage message = MessageFrame.Create(Id128.NewRandom(), NodeId, Name, now, Options.HopLimit, MessageFlags.None, text);
            _router.Originate(message, null, Volatile.Read(ref _links), (int)Options.SendWait.TotalMilliseconds, out _, out int dropped);
            Interlocked.Increment(ref _messagesSent);
            if (dropped > 0) Interlocked.Add(ref _sendDrops, dropped);
            return ToPeerMessage(message, null, 0);
        }

        /// <summary>Moves up to <paramref name="max"/> waiting messages into <paramref name="into"/> at once; returns how many.</summary>
        public int Receive(List<PeerMessage> into, int max = int.MaxValue) => _inbox.TakeAvailable(into, max);

        /// <summary>Takes the next message, waiting up to <paramref name="timeout"/> (Timeout.InfiniteTimeSpan: no limit); null if none came or <paramref name="cancel"/> fired.</summary>
        public PeerMessage Receive(TimeSpan timeout, CancellationToken cancel = default) => _inbox.Take(timeout, cancel);

        internal void CountInvalidFrame() => Interlocked.Increment(ref _invalidFrames);

        /// <summary>A MESSAGE frame from a PeerChat link; false when it was malformed (the link is closed).</summary>
        internal bool OnMessageFrame(PeerConnection link, byte[] buffer, int body, int length)
        {
            // Duplicates are the common case in a flood: drop them before decoding or copying anything.
            if (MessageFrame.TryPeekId(buffer, body, length, out Id128 id) && _router.IsKnown(id))
            {
                Interlocked.Increment(ref _duplicatesDropped);
                return true;
            }
            FloodMessage message = MessageFrame.TryDecode(buffer, body, length, out string error);
            if (message == null || !IsPlausibleTime(message.TimestampMs))
            {
                CountInvalidFrame();
                link.Close(CloseReason.ProtocolError, error ?? "MESSAGE timestamp out of range");
                return false;
            }
            Route(message, link);
            return true;
        }

        /// <summary>
        /// A line from a plain text peer: it enters the network as a new message fronted by this node (protocol.md §5).
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
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            FloodMessage message = MessageFrame.Create(Id128.NewRandom(), NodeId, link.Peer.Address, now, Options.HopLimit, MessageFlags.TextOrigin, text);
            _router.Originate(message, link, Volatile.Read(ref _links), 0, out int sent, out int dropped);
            if (sent > 0) Interlocked.Increment(ref _messagesRelayed);
            if (dropped > 0) Interlocked.Add(ref _sendDrops, dropped);
            Deliver(message, link);
            return true;
        }

        private void Route(FloodMessage message, PeerConnection from)
        {
            RouteResult result = _router.Route(message, from, Volatile.Read(ref _links), out int relayed, out int dropped);
            if (dropped > 0) Interlocked.Add(ref _sendDrops, dropped);
            if (result != RouteResult.Deliver)
            {
                Interlocked.Increment(ref _duplicatesDropped);
                return;
            }
            if (relayed > 0) Interlocked.Increment(ref _messagesRelayed);
            Deliver(message, from);
        }

        private void Deliver(FloodMessage message, PeerConnection from)
        {
            PeerMessage delivered = ToPeerMessage(message, from, message.Hops);
            Interlocked.Increment(ref _messagesDelivered); // before the inbox: whoever took the message sees the count
            _inbox.Add(delivered);
            RaiseMessageReceived(delivered);
        }

        private PeerMessage ToPeerMessage(FloodMessage message, PeerConnection from, int hops)
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
            };
        }

        // DateTimeOffset's range; anything outside is a malformed frame, not a crash.
        private static bool IsPlausibleTime(long unixMs) => unixMs >= -62135596800000L && unixMs <= 253402300799999L;
    }
}
