using System;
using System.Collections.Generic;
using System.Net;
using PSPeerChat.Settings;
using PSPeerChat.Timing;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// Remote addresses this node closed a link to for misbehaviour (protocol.md §8.7): for a while, new connections
    /// from them are closed at once. Loopback is never discouraged (several nodes of one machine share it). Bounded:
    /// the oldest entry goes first (as Bitcoin Core's discouragement, simpler: no score, one strike).
    /// </summary>
    internal sealed class Discouragement
    {
        private readonly object _gate = new object();
        private readonly Dictionary<IPAddress, long> _until = new Dictionary<IPAddress, long>();
        private readonly Queue<IPAddress> _order = new Queue<IPAddress>();
        private readonly TimeProvider _clock;

        public Discouragement(TimeProvider clock)
        {
            _clock = clock;
        }

        public void Add(IPAddress address)
        {
            if (!LinkLimits.IsCapped(address)) return;
            IPAddress key = EndPoints.Unmap(address);
            long until = _clock.NowMs() + (long)Tunables.DiscouragementTime.TotalMilliseconds;
            lock (_gate)
            {
                if (!_until.ContainsKey(key))
                {
                    _order.Enqueue(key);
                    if (_order.Count > Tunables.DiscouragedAddressesCapacity) _until.Remove(_order.Dequeue());
                }
                _until[key] = until;
            }
        }

        public bool Contains(IPAddress address)
        {
            if (address == null) return false;
            IPAddress key = EndPoints.Unmap(address);
            lock (_gate) return _until.TryGetValue(key, out long until) && _clock.NowMs() < until;
        }
    }
}
