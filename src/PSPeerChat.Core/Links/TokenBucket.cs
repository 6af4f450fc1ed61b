using System;
using PSPeerChat.Timing;

namespace PSPeerChat.Links
{
    /// <summary>
    /// A budget that refills over time: up to <c>burst</c> at once, <c>perSecond</c> on average, on the node's clock.
    /// One per link and kind of work a neighbour can make this node do; used from that link's reader only.
    /// </summary>
    internal sealed class TokenBucket
    {
        private readonly TimeProvider _clock;
        private readonly double _perMs;
        private readonly double _burst;
        private double _tokens;
        private long _lastMs;

        public TokenBucket(TimeProvider clock, double perSecond, double burst)
        {
            _clock = clock;
            _perMs = perSecond / 1000.0;
            _burst = burst;
            _tokens = burst;
            _lastMs = clock.NowMs();
        }

        /// <summary>Takes one unit; false (nothing taken) when the budget is spent.</summary>
        public bool TryTake()
        {
            Refill();
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }

        /// <summary>Takes <paramref name="units"/> even into debt; returns the milliseconds until the debt is paid (0 if none).</summary>
        public double TakeOnCredit(double units)
        {
            Refill();
            _tokens -= units;
            return _tokens >= 0 ? 0 : -_tokens / _perMs;
        }

        private void Refill()
        {
            long now = _clock.NowMs();
            _tokens = Math.Min(_burst, _tokens + (now - _lastMs) * _perMs);
            _lastMs = now;
        }
    }
}
