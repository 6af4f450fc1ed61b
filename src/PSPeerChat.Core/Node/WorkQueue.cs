using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace PSPeerChat
{
    /// <summary>
    /// Work that must not hold a link's loop (those never block, LinkScheduler), done on the thread pool one item at a
    /// time, in the order posted: the proof of work of text peers' lines (protocol.md §5, §3.10). Bounded: a full queue
    /// refuses the item and the caller counts the drop. Items catch their own errors.
    /// </summary>
    internal sealed class WorkQueue
    {
        private readonly Queue<Action> _items = new Queue<Action>();
        private readonly int _capacity;
        private bool _draining;

        public WorkQueue(int capacity)
        {
            _capacity = capacity;
        }

        /// <summary>Queues <paramref name="item"/>; false when the queue is full.</summary>
        public bool TryPost(Action item)
        {
            lock (_items)
            {
                if (_items.Count >= _capacity) return false;
                _items.Enqueue(item);
                if (_draining) return true;
                _draining = true;
            }
            Task.Run(Drain);
            return true;
        }

        private void Drain()
        {
            while (true)
            {
                Action item;
                lock (_items)
                {
                    if (_items.Count == 0)
                    {
                        _draining = false;
                        return;
                    }
                    item = _items.Dequeue();
                }
                item();
            }
        }
    }
}
