using System.Collections.Generic;
using PSPeerChat.Identity;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// Origins whose signed frames this node has accepted, most recent 65,536: a frame from any other origin spends the
    /// link's new-origin budget (protocol.md §8.8). Bounded: the oldest origin goes first and would count as new again.
    /// </summary>
    internal sealed class KnownOrigins
    {
        private readonly object _gate = new object();
        private readonly HashSet<Id128> _ids = new HashSet<Id128>();
        private readonly Queue<Id128> _order = new Queue<Id128>();
        private readonly int _capacity;

        public KnownOrigins(int capacity)
        {
            _capacity = capacity;
        }

        public bool Contains(Id128 origin)
        {
            lock (_gate) return _ids.Contains(origin);
        }

        public void Add(Id128 origin)
        {
            lock (_gate)
            {
                if (!_ids.Add(origin)) return;
                _order.Enqueue(origin);
                if (_order.Count > _capacity) _ids.Remove(_order.Dequeue());
            }
        }
    }
}
