using System;
using System.Collections.Generic;
using System.Threading;

namespace PSPeerChat.Inbox
{
    /// <summary>
    /// Delivered messages waiting for the user (Receive-PeerMessage, Enter-PeerChat), handed out oldest first, each
    /// exactly once. Bounded in count and in bytes (a long text weighs what it holds). When full, the oldest message of
    /// the sender that holds the most bytes is dropped and counted: one sender flooding a node nobody reads pushes out
    /// its own messages, not everyone else's (protocol.md §8.9).
    /// </summary>
    internal sealed class MessageInbox
    {
        private readonly object _gate = new object();
        private readonly LinkedList<PeerMessage> _messages = new LinkedList<PeerMessage>();
        private readonly Dictionary<string, SenderShare> _senders = new Dictionary<string, SenderShare>(StringComparer.Ordinal);
        private readonly SortedSet<SenderShare> _bySize = new SortedSet<SenderShare>(SenderShare.BySize);
        private long _bytes;
        private long _dropped;
        private int _waiters;
        private bool _completed;

        public MessageInbox(int capacity, long maxBytes = long.MaxValue)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
            if (maxBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxBytes));
            Capacity = capacity;
            MaxBytes = maxBytes;
        }

        public int Capacity { get; }

        /// <summary>Bytes the waiting messages may hold at most (PeerMessage.SizeBytes); the newest one always fits.</summary>
        public long MaxBytes { get; }

        public long Bytes
        {
            get { lock (_gate) return _bytes; }
        }

        public int Count
        {
            get { lock (_gate) return _messages.Count; }
        }

        public long Dropped => Interlocked.Read(ref _dropped);

        public void Add(PeerMessage message)
        {
            long size = message.SizeBytes;
            lock (_gate)
            {
                while (_messages.Count > 0 && (_messages.Count >= Capacity || _bytes + size > MaxBytes))
                {
                    Remove(_bySize.Max.Oldest); // the heaviest sender's oldest
                    _dropped++;
                }
                LinkedListNode<PeerMessage> node = _messages.AddLast(message);
                string key = SenderOf(message);
                if (!_senders.TryGetValue(key, out SenderShare share)) _senders.Add(key, share = new SenderShare(key));
                else _bySize.Remove(share);
                share.Add(node, size);
                _bySize.Add(share);
                _bytes += size;
                if (_waiters > 0) Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Moves up to <paramref name="max"/> waiting messages into <paramref name="into"/> without waiting.</summary>
        public int TakeAvailable(List<PeerMessage> into, int max)
        {
            lock (_gate)
            {
                int n = Math.Min(max, _messages.Count);
                for (int i = 0; i < n; i++) into.Add(Dequeue());
                return n;
            }
        }

        /// <summary>
        /// Moves up to <paramref name="max"/> waiting messages that <paramref name="match"/> accepts into <paramref name="into"/>,
        /// oldest first, without waiting; the others stay where they are (Receive-PeerMessage -Channel).
        /// </summary>
        public int TakeAvailable(List<PeerMessage> into, int max, Func<PeerMessage, bool> match)
        {
            if (match == null) return TakeAvailable(into, max);
            lock (_gate)
            {
                int n = 0;
                LinkedListNode<PeerMessage> node = _messages.First;
                while (node != null && n < max)
                {
                    LinkedListNode<PeerMessage> next = node.Next;
                    if (match(node.Value))
                    {
                        Remove(node);
                        into.Add(node.Value);
                        n++;
                    }
                    node = next;
                }
                return n;
            }
        }

        /// <summary>
        /// Takes one message, waiting up to <paramref name="timeout"/> (Timeout.InfiniteTimeSpan waits for ever)
        /// or until <paramref name="cancel"/> fires. Returns null when nothing came.
        /// </summary>
        public PeerMessage Take(TimeSpan timeout, CancellationToken cancel) => Take(timeout, cancel, null);

        /// <summary>
        /// Takes the oldest message <paramref name="match"/> accepts (null: any), waiting as <see cref="Take(TimeSpan, CancellationToken)"/>;
        /// messages it does not accept stay for other takers. A waiter looks at each message once: it resumes after
        /// the last one it looked at (messages are only ever added at the end), or from the start if that one left.
        /// </summary>
        public PeerMessage Take(TimeSpan timeout, CancellationToken cancel, Func<PeerMessage, bool> match)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long limit = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)timeout.TotalMilliseconds;
            using (cancel.Register(WakeAll))
            {
                lock (_gate)
                {
                    _waiters++;
                    LinkedListNode<PeerMessage> looked = null;
                    try
                    {
                        while (true)
                        {
                            LinkedListNode<PeerMessage> found = FindFrom(looked, match, out looked);
                            if (found != null)
                            {
                                Remove(found);
                                return found.Value;
                            }
                            if (cancel.IsCancellationRequested || _completed) return null;
                            long left = limit - clock.ElapsedMilliseconds;
                            if (left <= 0) return null;
                            Monitor.Wait(_gate, (int)Math.Min(left, 1000));
                        }
                    }
                    finally
                    {
                        _waiters--;
                    }
                }
            }
        }

        /// <summary>The first message after <paramref name="after"/> (or from the start) that matches; <paramref name="last"/> is the last one looked at.</summary>
        private LinkedListNode<PeerMessage> FindFrom(LinkedListNode<PeerMessage> after, Func<PeerMessage, bool> match, out LinkedListNode<PeerMessage> last)
        {
            LinkedListNode<PeerMessage> node = after != null && after.List != null ? after.Next : _messages.First;
            last = after != null && after.List != null ? after : null;
            for (; node != null; node = node.Next)
            {
                if (match == null || match(node.Value)) return node;
                last = node;
            }
            return null;
        }

        private PeerMessage Dequeue()
        {
            LinkedListNode<PeerMessage> first = _messages.First;
            Remove(first);
            return first.Value;
        }

        /// <summary>Takes a message out of the order and out of its sender's share (usually its sender's oldest).</summary>
        private void Remove(LinkedListNode<PeerMessage> node)
        {
            long size = node.Value.SizeBytes;
            _messages.Remove(node);
            SenderShare share = _senders[SenderOf(node.Value)];
            _bySize.Remove(share);
            share.Remove(node, size);
            if (share.Count == 0) _senders.Remove(share.Key);
            else _bySize.Add(share);
            _bytes -= size;
        }

        private static string SenderOf(PeerMessage message) => message.From ?? string.Empty;

        /// <summary>No more messages will come (the node stopped): waiting takers return once the inbox is empty.</summary>
        public void Complete()
        {
            lock (_gate)
            {
                _completed = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Wakes every waiting taker (cancellation).</summary>
        public void WakeAll()
        {
            lock (_gate) Monitor.PulseAll(_gate);
        }
    }
}
