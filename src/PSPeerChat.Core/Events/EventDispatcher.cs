using System;
using System.Collections.Generic;
using System.Threading;

namespace PSPeerChat.Events
{
    /// <summary>
    /// Raises a node's .NET events on one background thread of its own, never on a socket's thread: a slow or failing
    /// handler delays only other events, never the network. Bounded in count and in bytes: when handlers fall behind by
    /// <see cref="Capacity"/> events or <see cref="MaxBytes"/>, new ones are dropped and counted. The thread starts with
    /// the first event.
    /// </summary>
    internal sealed class EventDispatcher
    {
        private readonly object _gate = new object();
        private readonly Queue<KeyValuePair<Action, long>> _pending = new Queue<KeyValuePair<Action, long>>();
        private readonly string _name;
        private Thread _thread;
        private bool _completed;
        private long _dropped;
        private long _bytes;

        public EventDispatcher(string name, int capacity, long maxBytes = long.MaxValue)
        {
            _name = name;
            Capacity = capacity;
            MaxBytes = maxBytes;
        }

        public int Capacity { get; }

        /// <summary>Bytes the queued events may hold at most (what each Post says it holds); one always fits an empty queue.</summary>
        public long MaxBytes { get; }

        public long Dropped => Interlocked.Read(ref _dropped);

        /// <summary>Queues an event; false (and counted) when the queue is full or the dispatcher is completed.</summary>
        /// <param name="bytes">What the event holds (its message), for the byte bound.</param>
        public bool Post(Action raise, long bytes = 256)
        {
            lock (_gate)
            {
                if (_completed || _pending.Count >= Capacity || (_pending.Count > 0 && _bytes + bytes > MaxBytes))
                {
                    _dropped++;
                    return false;
                }
                _pending.Enqueue(new KeyValuePair<Action, long>(raise, bytes));
                _bytes += bytes;
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
                    KeyValuePair<Action, long> next = _pending.Dequeue();
                    _bytes -= next.Value;
                    raise = next.Key;
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
