using System;
using System.Collections.Generic;
using PSPeerChat.Protocol;
using PSPeerChat.Identity;
using PSPeerChat.History;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// Flood fill (protocol.md §4): relay a message the first time it is seen to every neighbour but
    /// the one it came from, while its hop count is below its hop limit; drop every later copy.
    /// Knows nothing of sockets, so it is tested with in-memory links.
    /// </summary>
    internal sealed class FloodRouter
    {
        private readonly SeenCache _seen;
        private readonly Id128 _self;
        private readonly HistoryStore _history;

        /// <param name="history">Where accepted MESSAGEs and DIRECTs are kept for catching up neighbours; null: no history.</param>
        public FloodRouter(SeenCache seen, Id128 self, HistoryStore history = null)
        {
            _seen = seen;
            _self = self;
            _history = history;
        }

        /// <summary>
        /// Keeps a frame accepted for the first time (protocol.md §4.4): MESSAGE and DIRECT with their bytes, a DIRECT for
        /// this node as its key alone (nobody else needs it); ANNOUNCE not at all.
        /// </summary>
        private void Keep(FloodMessage message)
        {
            if (_history == null || message.Type == FrameType.Announce) return;
            bool ours = message.Type == FrameType.Direct && message.RecipientId == _self;
            _history.Add(message.SeenKey, message.TimestampMs, ours ? null : message.Frame);
        }

        public SeenCache Seen => _seen;

        /// <summary>Cheap pre-check before decoding: true when the seen key (<see cref="SeenKey"/>) is already known.</summary>
        public bool IsKnown(Id128 seenKey) => _seen.Contains(seenKey);

        /// <summary>Cheap pre-check before decoding: true when a copy with these hops is a plain duplicate (see <see cref="Route"/>).</summary>
        public bool IsDuplicate(Id128 seenKey, byte hops, byte hopLimit) => _seen.IsDuplicate(seenKey, hops, Trusted(hopLimit));

        /// <summary>
        /// Hop counts up to half the limit are taken as they come. A copy kept with more may have been poisoned (the
        /// hop count is outside the signature): a later copy with fewer hops is relayed too. Honest copies of one message
        /// differ by less than the network's diameter, so below half the limit they never cost a second relay.
        /// </summary>
        private static byte Trusted(byte hopLimit) => (byte)(hopLimit / 2);

        public RouteResult Route(FloodMessage message, ILink source, IReadOnlyList<ILink> links, out int relayed, out int dropped)
            => Route(message, source, links, true, out relayed, out dropped);

        /// <summary>Handles a message received from <paramref name="source"/>.</summary>
        /// <param name="relayed">Links the message was queued to.</param>
        /// <param name="dropped">Links whose queue was full.</param>
        /// <param name="relay">False for a frame that ends here (a direct message to this node).</param>
        public RouteResult Route(FloodMessage message, ILink source, IReadOnlyList<ILink> links, bool relay, out int relayed, out int dropped)
        {
            relayed = 0;
            dropped = 0;
            if (!_seen.TryAdd(message.SeenKey, message.Hops))
            {
                // The hop count is outside the signature: the copy kept first may have come with a poisoned, high count and
                // gone less far than this one can. Past half the limit, a copy with fewer hops than any before is relayed
                // too (never delivered again); counts only fall, so a message is relayed at most half its hop limit more
                // times (protocol.md §4.1).
                if (relay && message.OriginId != _self && message.Hops < message.HopLimit && _seen.TryLowerHops(message.SeenKey, message.Hops, Trusted(message.HopLimit)))
                {
                    SendToAll(new OutboundFrame(message.PrepareRelay(), message), source, links, 0, out relayed, out dropped);
                    return RouteResult.RelayedAgain;
                }
                return RouteResult.Duplicate;
            }
            if (message.OriginId == _self) return RouteResult.SelfEcho;
            Keep(message);
            if (relay && message.Hops < message.HopLimit)
            {
                var frame = new OutboundFrame(message.PrepareRelay(), message);
                SendToAll(frame, source, links, 0, out relayed, out dropped);
            }
            return RouteResult.Deliver;
        }

        /// <summary>
        /// Starts a message of ours (or of a text peer we front for) on every link but <paramref name="except"/>.
        /// A local sender may wait <paramref name="waitMilliseconds"/> per full queue: that is the send API's back-pressure.
        /// </summary>
        public void Originate(FloodMessage message, ILink except, IReadOnlyList<ILink> links, int waitMilliseconds, out int sent, out int dropped)
        {
            _seen.TryAdd(message.SeenKey, message.Hops);
            Keep(message);
            SendToAll(new OutboundFrame(message.Frame, message), except, links, waitMilliseconds, out sent, out dropped);
        }

        private static void SendToAll(OutboundFrame frame, ILink except, IReadOnlyList<ILink> links, int waitMilliseconds, out int sent, out int dropped)
        {
            sent = 0;
            dropped = 0;
            // A local sender's wait is one budget for the whole send, not one per full link: stalled neighbours cannot
            // add their waits up (protocol.md §4.1).
            int deadline = waitMilliseconds > 0 ? Environment.TickCount + waitMilliseconds : 0; // relays never wait: no clock read
            for (int i = 0; i < links.Count; i++)
            {
                ILink link = links[i];
                if (ReferenceEquals(link, except)) continue;
                int wait = waitMilliseconds <= 0 ? 0 : Math.Max(0, deadline - Environment.TickCount);
                if (link.TryEnqueue(frame, wait)) sent++;
                else dropped++;
            }
        }
    }
}
