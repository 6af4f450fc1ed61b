using System;
using PSPeerChat.History;
using PSPeerChat.Settings;
using PSPeerChat.Timing;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// The acceptance window of signed frames (protocol.md §8.3): not older than the window, nor than the seen cache's
    /// memory (so a replay the cache forgot is still refused), and not further in the future than the clock skew allowed.
    /// </summary>
    internal sealed class ReplayWindow
    {
        private readonly TimeProvider _clock;
        private readonly SeenCache _seen;
        private readonly long _windowMs;
        private readonly long _skewMs;
        private readonly HistoryStore _history;

        public ReplayWindow(TimeProvider clock, SeenCache seen, TimeSpan window, TimeSpan maxClockSkew, HistoryStore history = null)
        {
            _history = history;
            _clock = clock;
            _seen = seen;
            _windowMs = (long)window.TotalMilliseconds;
            _skewMs = (long)maxClockSkew.TotalMilliseconds;
        }

        /// <summary>DateTimeOffset's range; anything outside is a malformed frame, not a crash.</summary>
        public static bool IsPlausible(long unixMs) => unixMs >= -62135596800000L && unixMs <= 253402300799999L;

        public bool IsFresh(long timestampMs)
        {
            long age = _clock.UnixNowMs() - timestampMs;
            long window = Math.Min(_windowMs, _seen.HorizonMs - _skewMs);
            // Under a flood that fills the seen cache faster than the clock skew, the window would close entirely and
            // refuse every new message. Keep a floor: replays of ids the cache dropped early (SeenCache.EvictedEarly)
            // are then refused only once older than the floor (protocol.md §8.3).
            window = Math.Max(window, Math.Min(Tunables.MinimumReplayWindowMs, _windowMs));
            // After a restart, the seen keys reloaded are complete only after the history's bound (protocol.md §4.4).
            bool remembered = _history == null || timestampMs > _history.ReloadedCompleteSinceMs;
            return age <= window && -age <= _skewMs && remembered;
        }

        /// <summary>
        /// The window of a caught-up frame (protocol.md §8.3, §3.14): the history window instead of the acceptance window,
        /// bounded the same way by the seen cache's memory less the clock skew, and not before the time from which this
        /// node's history store (reloaded after a restart) is complete. No floor: catching up is best effort.
        /// </summary>
        public bool IsFreshCaughtUp(long timestampMs)
        {
            if (_history == null) return false;
            long age = _clock.UnixNowMs() - timestampMs;
            long window = Math.Min(_history.WindowMs, _seen.HorizonMs - _skewMs);
            return age <= window && -age <= _skewMs && timestampMs > _history.CompleteSinceMs;
        }
    }
}
