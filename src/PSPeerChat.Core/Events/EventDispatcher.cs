using System;
using System.Collections.Generic;
using System.Threading;

namespace PSPeerChat.Events
{
    /// <summary>
    /// Raises a node's .NET events on one background thread of its own, never on a socket's thread: a slow or failing
    /// handler delays only other events, never the network. Bounded: when handlers fall behind by
    /// <see cref="Capacity"/> events, new ones are dropped and counted. The thread starts with the first event.
    /// </summary>
    internal sealed class EventDispatcher
    {
        private readonly object _gate = new object();
        private readonly Queue<Action> _pending = new Queue<Action>();
        private readonly string _name;
        private Thread _thread;
        private bool _completed;
        private long _dropped;

        public EventDispatcher(string name, int capacity)
        {
            _name = name;
            Capacity = capacity;
        }

        public int Capacity { get; }

        public long Dropped => Interlocked.Read(ref _dropped);

        /// <summary>Queues an event; false (and counted) when the queue is full or the dispatcher is completed.</summary>
        public bool Post(Action raise)
        {
            lock (_gate)
            {
                if (_completed || _pending.Count >= Capacity)
                {
                    _dropped++;
                    return false;
                }
                _pending.Enqueue(raise);
                if (_thread == null)
                {
                    _thread = new Thread(Run) { IsBackground = true, Name = "PSPeerChat events " + _name };
                    _thread.Start();
                }
                else if (_pending.Count == 1)
                {
                    Monitor.Pulse(_gate);
                }
            }
            return true;
        }

        /// <summary>No more events: the thread raises what is queued (for at most <paramref name="drainTimeout"/>) and ends.</summary>
        public void Complete(TimeSpan drainTimeout)
        {
            Thread thread;
            lock (_gate)
            {
                _completed = true;
                Monitor.PulseAll(_gate);
                thread = _thread;
            }
            if (thread != null && thread != Thread.CurrentThread) thread.Join(drainTimeout);
        }

        private void Run()
        {
            while (true)
            {
                Action raise;
                lock (_gate)
                {
                    while (_pending.Count == 0)
                    {
                        if (_completed) return;
                        Monitor.Wait(_gate);
                    }
                    raise = _pending.Dequeue();
                }
                try
                {
                    raise();
                }
                catch (Exception)
                {
                    // A subscriber's failure must not end the events of the others.
                }
            }
        }
    }
}
