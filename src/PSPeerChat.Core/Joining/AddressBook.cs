using System;
using System.Collections.Generic;
using System.Linq;
using PSPeerChat.Protocol;
using PSPeerChat.Identity;
using PSPeerChat.Settings;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// The addresses a node has heard of (protocol.md §4.2). Bounded: when full, the entry most likely dead
    /// (most failures, then least recently seen) makes room; bootstrap entries are never evicted.
    /// Failing addresses wait longer and longer before they are dialled again (exponential backoff, capped).
    /// </summary>
    internal sealed class AddressBook
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        private readonly Random _random = new Random();
        private readonly Func<long> _clockMs;

        public AddressBook(int capacity, Func<long> clockMs)
        {
            Capacity = capacity;
            _clockMs = clockMs;
        }

        public int Capacity { get; }


        public int Count
        {
            get { lock (_gate) return _entries.Count; }
        }

        public void AddBootstrap(string address)
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(address, out Entry existing))
                {
                    existing.IsBootstrap = true;
                    return;
                }
                Insert(new Entry(address, "Bootstrap") { IsBootstrap = true });
            }
        }

        /// <summary>Records an address confirmed by a link's HELLO or named by a neighbour.</summary>
        public void Learn(string address, Id128 nodeId, string source, bool neighbourOfNeighbour)
        {
            long now = _clockMs();
            lock (_gate)
            {
                bool created = false;
                if (!_entries.TryGetValue(address, out Entry entry))
                {
                    entry = new Entry(address, source);
                    if (!Insert(entry)) return;
                    created = true;
                }
                else if (source == "Connected")
                {
                    entry.Source = source;
                }
                // Only a handshake proves who listens at an address. Gossip names the node of an entry it creates, and
                // never relabels one: else a hostile neighbour's ADDR could mark honest addresses as "already linked"
                // or as the node a user just disconnected, and so keep them from being dialled.
                if (!nodeId.IsEmpty && (source == "Connected" || created)) entry.NodeId = nodeId;
                entry.LastSeenMs = now;
                entry.LastSeen = DateTimeOffset.Now;
                entry.NeighbourOfNeighbour = neighbourOfNeighbour;
            }
        }

        /// <summary>
        /// Up to <paramref name="max"/> addresses to dial now: not self, not in backoff, not being dialled, not a node
        /// we are linked to. Those with fewer failures come first (after nodes die, their addresses must not crowd out
        /// live ones), then addresses not known to be next to one of our neighbours (they spread the network wider),
        /// ties broken at random.
        /// </summary>
        public List<string> PickCandidates(int max, Func<Id128, bool> isLinked, Func<string, bool> isLinkedAddress, Id128 self)
        {
            long now = _clockMs();
            lock (_gate)
            {
                return _entries.Values
                    .Where(e => !e.IsSelf && !e.Dialling && e.NextAttemptMs <= now && e.NodeId != self
                                && (e.NodeId.IsEmpty || !isLinked(e.NodeId)) && !isLinkedAddress(e.Address))
                    .OrderBy(e => e.Failures)
                    .ThenBy(e => e.NeighbourOfNeighbour)
                    .ThenBy(_ => _random.Next())
                    .Take(max)
                    .Select(e =>
                    {
                        e.Dialling = true;
                        return e.Address;
                    })
                    .ToList();
            }
        }

        public void DialSucceeded(string address, Id128 nodeId)
        {
            lock (_gate)
            {
                if (!_entries.TryGetValue(address, out Entry e)) return;
                e.Dialling = false;
                e.Failures = 0;
                e.NextAttemptMs = 0;
                if (!nodeId.IsEmpty) e.NodeId = nodeId;
                e.LastSeenMs = _clockMs();
                e.LastSeen = DateTimeOffset.Now;
            }
        }

        /// <summary>Counts a failed dial and schedules the next try; a gossiped address that keeps failing is forgotten.</summary>
        public void DialFailed(string address, CloseReason reason)
        {
            long now = _clockMs();
            lock (_gate)
            {
                if (!_entries.TryGetValue(address, out Entry e)) return;
                e.Dialling = false;
                if (reason == CloseReason.Self)
                {
                    e.IsSelf = true; // never again: it loops back to us
                    return;
                }
                e.Failures++; // a Full refusal too: a node that is always full is forgotten like one that never answers
                if (reason == CloseReason.Full && (e.IsBootstrap || e.Failures < Tunables.ForgetAfterFailures))
                {
                    e.NextAttemptMs = now + Tunables.FullBackoffMs;
                    return;
                }
                if (!e.IsBootstrap && e.Failures >= Tunables.ForgetAfterFailures)
                {
                    _entries.Remove(address);
                    return;
                }
                long backoff = Math.Min((long)Tunables.FirstBackoffMs << Math.Min(e.Failures - 1, 20), Tunables.MaxBackoffMs);
                backoff = backoff * (80 + _random.Next(41)) / 100; // ±20 % so nodes do not retry in lockstep
                e.NextAttemptMs = now + backoff;
            }
        }

        /// <summary>
        /// Keeps the node (by id, or its address) from being dialled for <paramref name="holdMs"/>: a user, ours or
        /// theirs, closed the link on purpose, and automatic dialling must not undo that a second later.
        /// </summary>
        public void Hold(Id128 nodeId, string address, long holdMs)
        {
            long until = _clockMs() + holdMs;
            lock (_gate)
            {
                foreach (Entry e in _entries.Values)
                {
                    // By id only where a handshake proved it: gossip can name any address with any id.
                    if ((!nodeId.IsEmpty && e.NodeId == nodeId && e.Source == "Connected") || string.Equals(e.Address, address, StringComparison.OrdinalIgnoreCase))
                    {
                        e.NextAttemptMs = Math.Max(e.NextAttemptMs, until);
                    }
                }
            }
        }

        /// <summary>
        /// A node at this address misbehaved on a link: it is not dialled for <paramref name="forMs"/>, and the book shows
        /// why (protocol.md §8.7). The entry is made if the address was not in the book.
        /// </summary>
        public void Discourage(string address, Id128 nodeId, long forMs)
        {
            long until = _clockMs() + forMs;
            lock (_gate)
            {
                if (!_entries.TryGetValue(address, out Entry entry))
                {
                    entry = new Entry(address, "Discouraged");
                    if (!Insert(entry)) return;
                }
                if (!nodeId.IsEmpty) entry.NodeId = nodeId;
                entry.DiscouragedUntilMs = until;
                entry.NextAttemptMs = Math.Max(entry.NextAttemptMs, until);
            }
        }

        /// <summary>Entries with no failure, those this node was linked to first, for an ADDR reply (never the whole book).</summary>
        public List<Tuple<string, Id128>> Sample(int max, Func<string, bool> exclude)
        {
            long now = _clockMs();
            lock (_gate)
            {
                // Addresses this node has been linked to come first (addrman's "tried": known to have answered), the
                // rest after, each part in random order. Current and past neighbours look alike.
                return _entries.Values
                    .Where(e => !e.IsSelf && e.Failures == 0 && e.DiscouragedUntilMs <= now && !exclude(e.Address))
                    .OrderBy(e => e.Source == "Connected" ? 0 : 1)
                    .ThenBy(_ => _random.Next())
                    .Take(max)
                    .Select(e => Tuple.Create(e.Address, e.NodeId))
                    .ToList();
            }
        }

        public List<PeerAddressEntry> Snapshot(Func<Id128, bool> isLinked, string nodeName)
        {
            long now = _clockMs();
            lock (_gate)
            {
                return _entries.Values.Where(e => !e.IsSelf).Select(e => new PeerAddressEntry
                {
                    Address = e.Address,
                    NodeId = e.NodeId.IsEmpty ? string.Empty : e.NodeId.ToString(),
                    Source = e.Source,
                    LastSeen = e.LastSeen,
                    Failures = e.Failures,
                    NextAttempt = DateTimeOffset.Now.AddMilliseconds(Math.Max(0, e.NextAttemptMs - now)),
                    Connected = !e.NodeId.IsEmpty && isLinked(e.NodeId),
                    DiscouragedUntil = e.DiscouragedUntilMs > now ? DateTimeOffset.Now.AddMilliseconds(e.DiscouragedUntilMs - now) : (DateTimeOffset?)null,
                    Node = nodeName,
                }).OrderBy(e => e.Address, StringComparer.Ordinal).ToList();
            }
        }

        private bool Insert(Entry entry)
        {
            if (_entries.Count >= Capacity)
            {
                // Gossip never pushes out an address that has been linked: an eclipse needs more than a long ADDR list.
                Entry victim = _entries.Values.Where(e => !e.IsBootstrap && !e.Dialling && (entry.Source != "Gossip" || e.Source != "Connected"))
                    .OrderByDescending(e => e.Failures).ThenBy(e => e.LastSeenMs).FirstOrDefault();
                if (victim == null) return false;
                _entries.Remove(victim.Address);
            }
            _entries[entry.Address] = entry;
            return true;
        }

        private sealed class Entry
        {
            public Entry(string address, string source)
            {
                Address = address;
                Source = source;
                LastSeen = DateTimeOffset.Now;
            }

            public string Address { get; }
            public string Source;
            public Id128 NodeId;
            public long LastSeenMs;
            public DateTimeOffset LastSeen;
            public int Failures;
            public long NextAttemptMs;
            public bool IsBootstrap;
            public bool IsSelf;
            public bool Dialling;
            public bool NeighbourOfNeighbour;
            public long DiscouragedUntilMs;
        }
    }
}
