using System;
using System.Collections.Generic;

namespace PSPeerChat.Inbox
{
    /// <summary>One sender's messages in the inbox, oldest first, and the bytes they hold (for fair eviction).</summary>
    internal sealed class SenderShare
    {
        private readonly LinkedList<LinkedListNode<PeerMessage>> _nodes = new LinkedList<LinkedListNode<PeerMessage>>();

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

        public LinkedListNode<PeerMessage> Oldest => _nodes.First.Value;

        public void Add(LinkedListNode<PeerMessage> node, long size)
        {
            _nodes.AddLast(node);
            Bytes += size;
        }

        /// <summary>
        /// Removes one of the sender's messages: usually its oldest; a taker that picks by channel may take a later one,
        /// found by walking the sender's own messages (bounded by the inbox's capacity).
        /// </summary>
        public void Remove(LinkedListNode<PeerMessage> node, long size)
        {
            if (_nodes.First.Value == node) _nodes.RemoveFirst();
            else _nodes.Remove(node);
            Bytes -= size;
        }
    }
}
