using System;
using System.Threading;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Timing;

namespace PSPeerChat
{
    /// <summary>
    /// The directory's upkeep (protocol.md §4.3): each node floods a signed ANNOUNCE (id, name, keys) every
    /// AnnounceInterval, when it gains a link (at most every <see cref="Tunables.AnnounceGapMs"/>), and when it hears of a
    /// newcomer through the flood, so the newcomer learns of it; those answers are rate limited
    /// (<see cref="Tunables.NewcomerAnswersBurst"/> at once, one more per AnnounceInterval), so a flood of fresh
    /// identities cannot make every node of the network announce every 2 s. Neighbours are also learned from their handshake.
    /// </summary>
    internal sealed class Announcer
    {
        private readonly PeerNode _node;
        private readonly Messaging _messaging;
        private readonly PeerDirectory _directory;
        private readonly TimeProvider _clock;
        private readonly TokenBucket _newcomerAnswers;
        private long _lastAnnounceMs = long.MinValue / 2;
        private int _changed = 1; // this node started or gained a link
        private int _newcomerHeard;

        public Announcer(PeerNode node, Messaging messaging, PeerDirectory directory, TimeProvider clock)
        {
            _node = node;
            _messaging = messaging;
            _directory = directory;
            _clock = clock;
            _newcomerAnswers = new TokenBucket(clock, 1 / node.Options.AnnounceInterval.TotalSeconds, Tunables.NewcomerAnswersBurst);
        }

        /// <summary>Announces now; false when the node has no links to announce on.</summary>
        public bool Announce()
        {
            if (_node.State != PeerNodeState.Running || _node.PeerCount == 0) return false;
            FloodMessage announce = MessageFrame.CreateAnnounce(_node.Identity, Id128.NewRandom(), _node.Name, _clock.UnixNowMs(), _node.Options.HopLimit);
            Interlocked.Exchange(ref _lastAnnounceMs, _clock.NowMs());
            Interlocked.Exchange(ref _changed, 0);
            Interlocked.Exchange(ref _newcomerHeard, 0); // any announcement answers the newcomers heard so far
            _messaging.Originate(announce, null, 0);
            return true;
        }

        /// <summary>
        /// Every maintenance tick: announce when the interval passed, or, 2 s after the last announcement at the
        /// earliest, when this node changed or (within the newcomer answers' budget) heard of a newcomer.
        /// </summary>
        public void AnnounceIfDue(long now)
        {
            long since = now - Interlocked.Read(ref _lastAnnounceMs);
            if (since >= (long)_node.Options.AnnounceInterval.TotalMilliseconds)
            {
                Announce();
            }
            else if (since >= Tunables.AnnounceGapMs)
            {
                if (Volatile.Read(ref _changed) == 1 || (Volatile.Read(ref _newcomerHeard) == 1 && _newcomerAnswers.TryTake())) Announce();
            }
        }

        /// <summary>A verified ANNOUNCE: recorded; a node newly in the directory makes us announce too (rate limited), so it learns of us.</summary>
        public void OnAnnounce(FloodMessage announce)
        {
            if (_directory.Learn(announce.OriginId, announce.OriginName, MessageFrame.AnnouncedKey(announce), announce.Hops, announce.TimestampMs))
            {
                Interlocked.Exchange(ref _newcomerHeard, 1);
            }
        }

        /// <summary>A neighbour's keys and name from its authenticated handshake: a new link, so we announce (2 s gap only).</summary>
        public void LearnNeighbour(Id128 id, string name, byte[] encryptionKey)
        {
            _directory.Learn(id, name, encryptionKey, 1, _clock.UnixNowMs());
            Interlocked.Exchange(ref _changed, 1);
        }
    }
}
