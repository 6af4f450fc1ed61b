using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Protocol;
using PSPeerChat.Stats;

namespace PSPeerChat
{
    /// <summary>
    /// The channels a node delivers (protocol.md §3.12): the lobby always, the channels it joined (by name, a private
    /// one with its key) and the patterns it was started with (PeerNodeOptions.Channels, default '*'). Relaying does
    /// not look here: every node relays every channel. Decides, for each accepted MESSAGE, whether it reaches the
    /// inbox, and opens sealed ones; every message not delivered is counted.
    /// </summary>
    internal sealed class ChannelTable
    {
        /// <summary>Channels one node may have joined at once (a user's choice, but bounded all the same).</summary>
        public const int MaxJoined = 256;

        private readonly object _gate = new object();
        private readonly Dictionary<string, Joined> _joined = new Dictionary<string, Joined>(ChannelName.Comparer);
        private readonly ChannelPattern[] _patterns;
        private readonly NodeStats _stats;
        private readonly string _node;

        public ChannelTable(IEnumerable<string> channels, DateTimeOffset now, NodeStats stats, string node)
        {
            _stats = stats;
            _node = node;
            var patterns = new List<ChannelPattern>();
            foreach (string typed in channels ?? new string[0])
            {
                ChannelPattern pattern = ChannelPattern.Parse(typed);
                if (pattern.HasWildcards) patterns.Add(pattern);
                else if (pattern.Text.Length > 0 && !_joined.ContainsKey(pattern.Text)) _joined.Add(pattern.Text, new Joined(pattern.Text, null, now));
            }
            _patterns = patterns.ToArray();
        }

        /// <summary>The patterns with wildcards the node was started with (named channels are in <see cref="Snapshot"/>).</summary>
        public string[] Patterns => _patterns.Select(p => p.Text).ToArray();

        /// <summary>Joins (or joins again, replacing the key) <paramref name="name"/>; <paramref name="key"/> null: a public channel. The table keeps the key.</summary>
        public PeerChannel Join(string name, byte[] key, DateTimeOffset now)
        {
            lock (_gate)
            {
                if (_joined.TryGetValue(name, out Joined old)) old.Clear();
                else if (_joined.Count >= MaxJoined) throw new InvalidOperationException("The node " + _node + " has joined " + MaxJoined + " channels, the most it may; leave one first (Exit-PeerChannel).");
                var joined = new Joined(name, key, now);
                _joined[name] = joined;
                return joined.View(_node);
            }
        }

        /// <summary>Leaves a joined channel and forgets its key; false when it was not joined.</summary>
        public bool Leave(string name)
        {
            lock (_gate)
            {
                if (!_joined.TryGetValue(name, out Joined joined)) return false;
                joined.Clear();
                _joined.Remove(name);
                return true;
            }
        }

        /// <summary>Forgets every key (the node stopped).</summary>
        public void Clear()
        {
            lock (_gate)
            {
                foreach (Joined joined in _joined.Values) joined.Clear();
                _joined.Clear();
            }
        }

        public PeerChannel[] Snapshot()
        {
            lock (_gate) return _joined.Values.OrderBy(j => j.JoinedAt).Select(j => j.View(_node)).ToArray();
        }

        /// <summary>A copy of the key of a channel joined with a passphrase (the caller clears it), or null.</summary>
        public byte[] KeyOf(string channel)
        {
            lock (_gate) return channel.Length > 0 && _joined.TryGetValue(channel, out Joined joined) && joined.Key != null ? (byte[])joined.Key.Clone() : null;
        }

        /// <summary>
        /// True when <paramref name="message"/> is to be delivered (a sealed one is opened first); otherwise it is counted
        /// in ChannelFiltered, SealedNotDelivered or SealedOpenFailed.
        /// </summary>
        public bool Admit(FloodMessage message)
        {
            if (message.Channel.Length == 0) return true; // the lobby, always (sealed frames never carry it, §3.2)
            byte[] key;
            bool joined;
            lock (_gate)
            {
                joined = _joined.TryGetValue(message.Channel, out Joined j);
                key = joined && j.Key != null ? (byte[])j.Key.Clone() : null;
            }
            if (key == null)
            {
                if (message.IsSealed)
                {
                    _stats.SealedNotDelivered(); // not a member: carried and relayed, never shown
                    return false;
                }
                if (joined || _patterns.Any(p => p.IsMatch(message.Channel))) return true;
                _stats.ChannelFiltered();
                return false;
            }
            try
            {
                if (!message.IsSealed)
                {
                    _stats.ChannelFiltered(); // a plain message on a name this node holds private: not from a member
                    return false;
                }
                byte[] plain = ChannelSeal.TryOpen(key, message.OriginId, message.Id, message.Frame, message.ChannelOffset, message.ChannelLength, message.PayloadOffset, message.PayloadLength);
                string text = null;
                try
                {
                    if (plain != null) text = Utf8.Strict.GetString(plain);
                }
                catch (ArgumentException)
                {
                    text = null;
                }
                if (text == null)
                {
                    _stats.SealedOpenFailed(); // another passphrase, or an origin that sealed garbage
                    return false;
                }
                message.Unseal(text);
                return true;
            }
            finally
            {
                Array.Clear(key, 0, key.Length);
            }
        }

        private sealed class Joined
        {
            public Joined(string name, byte[] key, DateTimeOffset joinedAt)
            {
                Name = name;
                Key = key;
                JoinedAt = joinedAt;
            }

            public string Name { get; }

            public byte[] Key { get; }

            public DateTimeOffset JoinedAt { get; }

            public void Clear()
            {
                if (Key != null) Array.Clear(Key, 0, Key.Length);
            }

            public PeerChannel View(string node) => new PeerChannel(Name, Key != null, JoinedAt, node);
        }
    }
}
