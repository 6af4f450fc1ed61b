using System;
using System.Collections.Generic;

namespace PSPeerChat.Inbox
{
    /// <summary>One sender's messages in the inbox, oldest first, and the bytes they hold (for fair eviction).</summary>
    internal sealed class SenderShare
    {
        private readonly Queue<LinkedListNode<PeerMessage>> _nodes = new Queue<LinkedListNode<PeerMessage>>();

        public SenderShare(string key) => Key = key;

        /// <summary>Heaviest last; ties by key, so two senders never compare equal.</summary>
        public static readonly IComparer<SenderShare> BySize = Comparer<SenderShare>.Create((a, b) =>
        {
            int c = a.Bytes.CompareTo(b.Bytes);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        });

        public string Key { get; }

        public long Bytes { get; private set; }

        public int Count => _nodes.Count;

        public LinkedListNode<PeerMessage> Oldest => _nodes.Peek();

        public void Add(LinkedListNode<PeerMessage> node, long size)
        {
            _nodes.Enqueue(node);
            Bytes += size;
        }

        public void RemoveOldest(long size)
        {
            _nodes.Dequeue();
            Bytes -= size;
        }
    }
}
