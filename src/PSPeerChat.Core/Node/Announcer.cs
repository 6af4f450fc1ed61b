using System;
using System.Threading;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Timing;

namespace PSPeerChat
{
    /// <summary>
    /// The directory's upkeep (protocol.md §4.3): each node floods a signed ANNOUNCE (id, name, keys) when it gains
    /// links or hears of a newcomer (at most every <see cref="Tunables.AnnounceGapMs"/>) and every AnnounceInterval;
    /// neighbours are also learned from their handshake.
    /// </summary>
    internal sealed class Announcer
    {
        private readonly PeerNode _node;
        private readonly Messaging _messaging;
        private readonly PeerDirectory _directory;
        private readonly TimeProvider _clock;
        private long _lastAnnounceMs = long.MinValue / 2;
        private int _announceWanted = 1;

        public Announcer(PeerNode node, Messaging messaging, PeerDirectory directory, TimeProvider clock)
        {
            _node = node;
            _messaging = messaging;
            _directory = directory;
            _clock = clock;
        }

        /// <summary>Announces now; false when the node has no links to announce on.</summary>
        public bool Announce()
        {
            if (_node.State != PeerNodeState.Running || _node.PeerCount == 0) return false;
            FloodMessage announce = MessageFrame.CreateAnnounce(_node.Identity, Id128.NewRandom(), _node.Name, _clock.UnixNowMs(), _node.Options.HopLimit);
            Interlocked.Exchange(ref _lastAnnounceMs, _clock.NowMs());
            Interlocked.Exchange(ref _announceWanted, 0);
            _messaging.Originate(announce, null, 0);
            return true;
        }

        /// <summary>Every maintenance tick: announce when something changed (rate limited) or the interval passed.</summary>
        public void AnnounceIfDue(long now)
        {
            long since = now - Interlocked.Read(ref _lastAnnounceMs);
            bool due = since >= (long)_node.Options.AnnounceInterval.TotalMilliseconds || (Volatile.Read(ref _announceWanted) == 1 && since >= Tunables.AnnounceGapMs);
            if (due) Announce();
        }

        /// <summary>A verified ANNOUNCE: recorded; a node heard of for the first time makes us announce too, so it learns of us.</summary>
        public void OnAnnounce(FloodMessage announce)
        {
            if (_directory.Learn(announce.OriginId, announce.OriginName, MessageFrame.AnnouncedKey(announce), announce.Hops, announce.TimestampMs))
            {
                Interlocked.Exchange(ref _announceWanted, 1);
            }
        }

        /// <summary>A neighbour's keys and name from its authenticated handshake.</summary>
        public void LearnNeighbour(Id128 id, string name, byte[] encryptionKey)
        {
            _directory.Learn(id, name, encryptionKey, 1, _clock.UnixNowMs());
            Interlocked.Exchange(ref _announceWanted, 1);
        }
    }
}
