using System.Collections.Generic;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// A set that holds its most recent <c>capacity</c> items: the oldest added goes first. For what remote peers can
    /// make a node remember (origins heard, frames that failed), so it never grows past its bound. Thread-safe.
    /// </summary>
    internal sealed class BoundedSet<T>
    {
        private readonly object _gate = new object();
        private readonly HashSet<T> _items = new HashSet<T>();
        private readonly Queue<T> _order = new Queue<T>();
        private readonly int _capacity;

        public BoundedSet(int capacity)
        {
            _capacity = capacity;
        }

        public bool Contains(T item)
        {
            lock (_gate) return _items.Contains(item);
        }

        public void Add(T item)
        {
            lock (_gate)
            {
                if (!_items.Add(item)) return;
                _order.Enqueue(item);
                if (_order.Count > _capacity) _items.Remove(_order.Dequeue());
            }
        }
    }
}
