using System;
using PSPeerChat.Flood;
using PSPeerChat.Settings;
using PSPeerChat.Timing;

namespace PSPeerChat.Links
{
    /// <summary>
    /// What one neighbour may make this node do (protocol.md §8.8): how fast its frames and bytes are read (over the
    /// rate, reading pauses: TCP pushes back on the sender, nothing accepted is lost), the flooded work it may bring
    /// (new origins, DIRECTs, ANNOUNCEs; over budget a frame is dropped), and its fault score (§8.7): every drop over
    /// budget and every other fault an honest relay rarely hands over adds a point, points halve every minute, and a
    /// link whose score passes the limit is closed as misbehaving. All of it is used from the link's reader only.
    /// </summary>
    internal sealed class LinkBudgets
    {
        private readonly TimeProvider _clock;
        private readonly TokenBucket _newOrigins;
        private readonly TokenBucket _directs;
        private readonly TokenBucket _announces;
        private readonly TokenBucket _ownAnnounces;
        private readonly TokenBucket _frames;
        private readonly TokenBucket _bytes;
        private double _faults;
        private long _faultsAtMs;

        public LinkBudgets(TimeProvider clock, double textLinesPerSecond, double textLinesBurst)
        {
            _clock = clock;
            TextLines = new TokenBucket(clock, textLinesPerSecond, textLinesBurst);
            _newOrigins = new TokenBucket(clock, Tunables.NewOriginsPerMinute / 60, Tunables.NewOriginsBurst);
            _directs = new TokenBucket(clock, Tunables.DirectsPerMinute / 60, Tunables.DirectsBurst);
            _announces = new TokenBucket(clock, Tunables.AnnouncesPerMinute / 60, Tunables.AnnouncesBurst);
            _ownAnnounces = new TokenBucket(clock, Tunables.OwnAnnouncesPerMinute / 60, Tunables.OwnAnnouncesBurst);
            _frames = new TokenBucket(clock, Tunables.ReadFramesPerSecond, Tunables.ReadFramesBurst);
            _bytes = new TokenBucket(clock, Tunables.ReadBytesPerSecond, Tunables.ReadBytesBurst);
            _faultsAtMs = clock.NowMs();
        }

        /// <summary>The lines a text peer may still send now.</summary>
        public TokenBucket TextLines { get; }

        public bool TrySpend(FloodBudget kind)
        {
            switch (kind)
            {
                case FloodBudget.Direct: return _directs.TryTake();
                case FloodBudget.Announce: return _announces.TryTake();
                case FloodBudget.OwnAnnounce: return _ownAnnounces.TryTake();
                default: return _newOrigins.TryTake();
            }
        }

        /// <summary>
        /// A frame of <paramref name="frameBytes"/> was read: charges it to the frame and byte rates, and returns how long
        /// the reader must pause before it reads on (zero while the neighbour stays within its rates).
        /// </summary>
        public TimeSpan Pace(int frameBytes)
        {
            double wait = Math.Max(_frames.TakeOnCredit(1), _bytes.TakeOnCredit(frameBytes));
            if (wait <= 0) return TimeSpan.Zero;
            return TimeSpan.FromMilliseconds(Math.Ceiling(wait));
        }

        /// <summary>Adds one fault; true when the score has passed the limit (the caller closes the link).</summary>
        public bool AddFault()
        {
            Decay();
            _faults += 1;
            return _faults > Tunables.FaultScoreLimit;
        }

        private void Decay()
        {
            long now = _clock.NowMs();
            long elapsed = now - _faultsAtMs;
            if (elapsed <= 0) return;
            _faultsAtMs = now;
            _faults *= Math.Pow(0.5, elapsed / Tunables.FaultHalfLife.TotalMilliseconds);
        }
    }
}
