using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Flood;
using PSPeerChat.Joining;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;

namespace PSPeerChat
{
    /// <summary>
    /// Even degree (protocol.md §4.2): a node above its upper bound (<see cref="Tunables.DegreeBoundFactor"/> ×
    /// TargetPeers PeerChat links) lets its youngest inbound links go, back down to the bound, each politely: an ADDR of
    /// other addresses first, then CLOSE <see cref="CloseReason.Shed"/>. Never an outbound link (the node chose those, and
    /// a stranger must not be able to push them out), never a text peer, never a link registered less than
    /// <see cref="Tunables.ShedMinAgeMs"/> ago (it had no time to ask for addresses), at most
    /// <see cref="Tunables.MaxShedsPerTick"/> per maintenance period (a kick, such as a shed link's own close, runs the
    /// loop again but sheds nothing more before the period is over). With TargetPeers 0 there is no bound: nothing is shed.
    /// </summary>
    internal sealed class Shedder
    {
        private readonly AddressExchange _exchange;
        private readonly NodeStats _stats;
        private long _nextShedMs = long.MinValue;

        public Shedder(AddressExchange exchange, NodeStats stats)
        {
            _exchange = exchange;
            _stats = stats;
        }

        /// <summary>The most PeerChat links a node with <paramref name="targetPeers"/> keeps for long; 0 (no bound) when the target is 0.</summary>
        public static int UpperBound(int targetPeers) => targetPeers <= 0 ? 0 : Tunables.DegreeBoundFactor * targetPeers;

        /// <summary>The links to shed now, youngest first; none at or below the bound.</summary>
        public static List<Link> Choose(Link[] registered, int targetPeers, long nowUtcTicks)
        {
            int bound = UpperBound(targetPeers);
            var chosen = new List<Link>();
            if (bound <= 0) return chosen;
            int linked = registered.Count(l => !l.IsText && l.State == PeerState.Connected);
            int excess = Math.Min(linked - bound, Tunables.MaxShedsPerTick);
            if (excess <= 0) return chosen;
            long minAgeTicks = Tunables.ShedMinAgeMs * TimeSpan.TicksPerMillisecond;
            // Youngest first: an old link has proved itself, and whoever opens many links to push others out finds its
            // own newest ones go first (as Bitcoin Core's eviction protects the longest-connected peers). One too young
            // to go yet (it may not have its addresses) is waited for, not replaced by an older one.
            chosen.AddRange(registered
                .Where(l => !l.IsText && l.Direction == PeerDirection.Inbound && l.State == PeerState.Connected)
                .OrderByDescending(l => l.ConnectedAt.UtcTicks)
                .Take(excess)
                .Where(l => nowUtcTicks - l.ConnectedAt.UtcTicks >= minAgeTicks));
            return chosen;
        }

        /// <summary>
        /// Sheds what <see cref="Choose"/> picks, unless links were shed less than a maintenance period ago: ADDR, then
        /// CLOSE Shed; returns how many. Called from the maintenance loop only.
        /// </summary>
        public int ShedIfAbove(Link[] registered, int targetPeers, long nowMs, long nowUtcTicks)
        {
            if (nowMs < _nextShedMs) return 0;
            List<Link> shed = Choose(registered, targetPeers, nowUtcTicks);
            if (shed.Count > 0) _nextShedMs = nowMs + (long)Tunables.MaintenanceTick.TotalMilliseconds;
            foreach (Link link in shed)
            {
                link.Addresses.MarkShedByUs();
                link.TryEnqueue(new OutboundFrame(_exchange.CreateReply(link), null), 0);
                link.Close(CloseReason.Shed, "more than " + UpperBound(targetPeers) + " links: try the addresses sent");
                _stats.LinkShed();
            }
            return shed.Count;
        }
    }
}
