using System;

namespace PSPeerChat.Timing
{
    /// <summary>Readings of the node's clock (a <see cref="TimeProvider"/>: the system's, or a fake one tests advance).</summary>
    internal static class ClockExtensions
    {
        /// <summary>A monotonic reading in milliseconds, for intervals: keepalive, backoff, rate limits, the seen cache.</summary>
        public static long NowMs(this TimeProvider clock) => (long)clock.GetElapsedTime(0).TotalMilliseconds;

        /// <summary>Wall-clock time in Unix milliseconds, for timestamps on the wire and the replay window.</summary>
        public static long UnixNowMs(this TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();
    }
}
