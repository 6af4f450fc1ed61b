using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using PSPeerChat.Protocol;
using PSPeerChat.Identity;
using PSPeerChat.Settings;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// The addresses a node has heard of (protocol.md §4.2), in two parts as in Bitcoin Core's addrman: "tried" addresses,
    /// where a handshake proved a node listens (a quarter of the capacity; when full, the one seen longest ago goes), and
    /// "new" ones from gossip, placed in a <see cref="NewAddressTable"/> by the groups of their source and of the address,
    /// so no one source or network can fill the book, and gossip never displaces a tried address. Bootstrap addresses
    /// are kept apart. Failing addresses wait longer and longer before they are dialled again (exponential backoff,
    /// capped). The book can be saved and loaded (<see cref="AddressBookFile"/>), so a restarted node dials its
    /// known-good neighbours first.
    /// </summary>
    internal sealed class AddressBook
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, AddressBookEntry> _entries = new Dictionary<string, AddressBookEntry>(StringComparer.OrdinalIgnoreCase);
        private readonly Random _random = new Random();
        private readonly Func<long> _clockMs;
        private readonly NewAddressTable _new;
        private int _triedCount;

        public AddressBook(int capacity, Func<long> clockMs, byte[] key = null)
        {
            _clockMs = clockMs;
            TriedCapacity = Math.Max(1, capacity / 4);
            if (key == null)
            {
                key = new byte[32];
                using (var rng = System.Security.Cryptography.RandomNumberGenerator.Create()) rng.GetBytes(key);
            }
            _new = new NewAddressTable(Math.Max(1, capacity - TriedCapacity), key);
        }

        /// <summary>Entries the book holds at most, tried and new (bootstrap entries apart).</summary>
        public int Capacity => TriedCapacity + _new.Capacity;

        public int TriedCapacity { get; }

        /// <summary>The new table's shape: buckets one source or one address group can fill, and slots per bucket.</summary>
        public int BucketsPerGroup => _new.BucketsPerGroup;

        public int SlotsPerBucket => _new.SlotsPerBucket;

        public byte[] Key => _new.Key;

        public int Count
        {
            get { lock (_gate) return _entries.Count; }
        }

        public void AddBootstrap(string address)
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(address, out AddressBookEntry existing))
                {
                    existing.IsBootstrap = true;
                    return;
                }
                _entries[address] = new AddressBookEntry(address, "Bootstrap") { IsBootstrap = true };
            }
        }

        /// <summary>
        /// Records an address confirmed by a link's handshake ("Connected") or named by a neighbour ("Gossip", told by
        /// <paramref name="from"/>). False when a gossiped address found no place (its slot holds a working address).
        /// </summary>
        public bool Learn(string address, Id128 nodeId, string source, bool neighbourOfNeighbour, IPAddress from = null)
        {
            long now = _clockMs();
            lock (_gate)
            {
                bool created = false;
                if (!_entries.TryGetValue(address, out AddressBookEntry entry))
                {
                    entry = new AddressBookEntry(address, source);
                    if (!Insert(entry, from)) return false;
                    created = true;
                }
                else if (source == "Connected" && !entry.IsTried)
                {
                    Promote(entry);
                }
                // Only a handshake proves who listens at an address. Gossip names the node of an entry it creates, and
                // never relabels one: else a hostile neighbour's ADDR could mark honest addresses as "already linked"
                // or as the node a user just disconnected, and so keep them from being dialled.
                if (!nodeId.IsEmpty && (source == "Connected" || created)) entry.NodeId = nodeId;
                entry.LastSeenMs = now;
                entry.LastSeen = DateTimeOffset.Now;
                entry.NeighbourOfNeighbour = neighbourOfNeighbour;
                return true;
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
                    .ThenBy(e => e.IsTried ? 0 : 1) // known-good first: after a restart, the last neighbours
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
                if (!_entries.TryGetValue(address, out AddressBookEntry e)) return;
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
                if (!_entries.TryGetValue(address, out AddressBookEntry e)) return;
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
                    Forget(e);
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
                foreach (AddressBookEntry e in _entries.Values)
                {
                    // By id only where a handshake proved it: gossip can name any address with any id.
                    if ((!nodeId.IsEmpty && e.NodeId == nodeId && e.IsTried) || string.Equals(e.Address, address, StringComparison.OrdinalIgnoreCase))
                    {
                        e.NextAttemptMs = Math.Max(e.NextAttemptMs, until);
                    }
                }
            }
        }

        /// <summary>
        /// A node at this address misbehaved on a link: it is not dialled for <paramref name="forMs"/>, and the book shows
        /// why (protocol.md §8.7). The entry is made (in the new table, as told by itself) if the address was not in the
        /// book and a place is free.
        /// </summary>
        public void Discourage(string address, Id128 nodeId, long forMs)
        {
            long until = _clockMs() + forMs;
            lock (_gate)
            {
                if (!_entries.TryGetValue(address, out AddressBookEntry entry))
                {
                    entry = new AddressBookEntry(address, "Discouraged");
                    if (!Insert(entry, null)) return;
                }
                if (!nodeId.IsEmpty && entry.NodeId.IsEmpty) entry.NodeId = nodeId;
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
                    .OrderBy(e => e.IsTried ? 0 : 1)
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

        /// <summary>The tried and new entries, for <see cref="AddressBookFile"/> (not bootstrap-only ones, not this node's own).</summary>
        public List<AddressBookFile.Record> Export()
        {
            lock (_gate)
            {
                return _entries.Values.Where(e => !e.IsSelf && (e.IsTried || e.Bucket >= 0)).Select(e => new AddressBookFile.Record
                {
                    Address = e.Address,
                    NodeId = e.NodeId,
                    Tried = e.IsTried,
                    LastSeenUnixMs = e.LastSeen.ToUnixTimeMilliseconds(),
                    SourceGroup = e.SourceGroup,
                }).ToList();
            }
        }

        /// <summary>Entries from a saved book, placed as they were (same key, same source groups); tried ones stay tried.</summary>
        public void Import(IEnumerable<AddressBookFile.Record> records)
        {
            long now = _clockMs();
            long unixNow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lock (_gate)
            {
                foreach (AddressBookFile.Record r in records)
                {
                    if (_entries.ContainsKey(r.Address)) continue;
                    var entry = new AddressBookEntry(r.Address, r.Tried ? "Connected" : "Gossip")
                    {
                        NodeId = r.NodeId,
                        SourceGroup = r.SourceGroup,
                        LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(r.LastSeenUnixMs).ToLocalTime(),
                        LastSeenMs = now - Math.Max(0, unixNow - r.LastSeenUnixMs),
                    };
                    Insert(entry, null);
                }
            }
        }

        /// <summary>
        /// A new entry: tried ones evict the tried entry seen longest ago when full; gossiped ones take their place in the
        /// new table, displacing only an entry there that has failed (a working address keeps its slot).
        /// </summary>
        private bool Insert(AddressBookEntry entry, IPAddress from)
        {
            if (entry.IsTried)
            {
                MakeTriedRoom();
                _triedCount++;
                _entries[entry.Address] = entry;
                return true;
            }
            if (entry.SourceGroup == null) entry.SourceGroup = from == null ? AddressGroups.Of(entry.Address) : AddressGroups.Of(from, 0);
            AddressBookEntry occupant = _new.Occupant(entry, entry.SourceGroup, AddressGroups.Of(entry.Address), out int bucket, out int slot);
            if (occupant != null)
            {
                if (occupant.Failures == 0 || occupant.Dialling) return false;
                Forget(occupant);
            }
            _new.Place(entry, bucket, slot);
            _entries[entry.Address] = entry;
            return true;
        }

        /// <summary>A handshake proved a node listens at a gossiped address: it moves to the tried part.</summary>
        private void Promote(AddressBookEntry entry)
        {
            _new.Remove(entry);
            if (!entry.IsBootstrap)
            {
                MakeTriedRoom();
                _triedCount++;
            }
            entry.Source = "Connected";
        }

        private void MakeTriedRoom()
        {
            if (_triedCount < TriedCapacity) return;
            AddressBookEntry oldest = _entries.Values.Where(e => e.IsTried && !e.IsBootstrap && !e.Dialling).OrderBy(e => e.LastSeenMs).FirstOrDefault();
            if (oldest != null) Forget(oldest);
        }

        private void Forget(AddressBookEntry entry)
        {
            _entries.Remove(entry.Address);
            _new.Remove(entry);
            if (entry.IsTried && !entry.IsBootstrap) _triedCount--;
        }
    }
}
