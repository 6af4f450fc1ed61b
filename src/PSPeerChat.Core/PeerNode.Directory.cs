using System.Threading;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat
{
    /// <summary>
    /// The directory of who is out there (protocol.md §4.3): each node floods a signed ANNOUNCE (id, name, keys)
    /// when it gains links and every AnnounceInterval; neighbours are also learned from their handshake.
    /// </summary>
    public sealed partial class PeerNode
    {
        // After a change (a new link, a newcomer heard), announce again, but not more often than this.
        private const long AnnounceGapMs = 2000;

        private readonly PeerDirectory _directory;
        private long _lastAnnounceMs = long.MinValue / 2;
        private int _announceWanted = 1;

        /// <summary>Announces this node now (it also happens by itself); false when it has no links to announce on.</summary>
        public bool Announce()
        {
            if (State != PeerNodeState.Running || PeerCount == 0) return false;
            FloodMessage announce = MessageFrame.CreateAnnounce(Identity, Id128.NewRandom(), Name, UnixNowMs(), Options.HopLimit);
            Interlocked.Exchange(ref _lastAnnounceMs, NowMs());
            Interlocked.Exchange(ref _announceWanted, 0);
            Originate(announce, null, 0);
            return true;
        }

        /// <summary>Called every maintenance tick: announce when something changed (rate limited) or the interval passed.</summary>
        private void AnnounceIfDue(long now)
        {
            long since = now - Interlocked.Read(ref _lastAnnounceMs);
            bool due = since >= (long)Options.AnnounceInterval.TotalMilliseconds || (Volatile.Read(ref _announceWanted) == 1 && since >= AnnounceGapMs);
            if (due) Announce();
        }

        /// <summary>A verified ANNOUNCE: record it; a node heard of for the first time makes us announce too, so it learns of us.</summary>
        private void OnAnnounce(FloodMessage announce)
        {
            if (_directory.Learn(announce.OriginId, announce.OriginName, MessageFrame.AnnouncedKey(announce), announce.Hops, announce.TimestampMs))
            {
                Interlocked.Exchange(ref _announceWanted, 1);
            }
        }

        /// <summary>A neighbour's keys and name from its authenticated handshake.</summary>
        internal void LearnNeighbour(Id128 id, string name, byte[] encryptionKey)
        {
            _directory.Learn(id, name, encryptionKey, 1, UnixNowMs());
            Interlocked.Exchange(ref _announceWanted, 1);
        }
    }
}
