using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using PSPeerChat.Identity;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;
using PSPeerChat.Timing;
using PSPeerChat.Transport;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// What LAN announcements may make a node keep (protocol.md §10.3). Anyone on the link can send them, with any id and
    /// port, and from many source addresses: so they are taken at a bounded rate (all senders together, and each source),
    /// from a bounded number of sources, into a bounded set of candidates (in all, and per source) that only forgets an
    /// address unheard for <see cref="Tunables.LanCandidateLifetimeMs"/>. Every announcement not taken is counted in
    /// <see cref="NodeStats.LanAnnouncementsDropped"/>. A candidate is only an address to dial: the handshake decides who
    /// is there.
    /// </summary>
    internal sealed class LanCandidates
    {
        private readonly object _gate = new object();
        private readonly Id128 _self;
        private readonly NodeStats _stats;
        private readonly TimeProvider _clock;
        private readonly int _capacity;
        private readonly TokenBucket _all;
        private readonly Dictionary<IPAddress, Source> _sources = new Dictionary<IPAddress, Source>();
        private readonly Dictionary<string, Candidate> _candidates = new Dictionary<string, Candidate>(StringComparer.OrdinalIgnoreCase);

        public LanCandidates(Id128 self, NodeStats stats, TimeProvider clock, int capacity = Tunables.LanCandidatesCapacity)
        {
            _self = self;
            _stats = stats;
            _clock = clock;
            _capacity = capacity;
            _all = new TokenBucket(clock, Tunables.LanHeardPerSecond, Tunables.LanHeardBurst);
        }

        /// <summary>Candidates held now (at most the capacity).</summary>
        public int Count
        {
            get { lock (_gate) return _candidates.Count; }
        }

        /// <summary>Source addresses tracked now (at most <see cref="Tunables.LanSourcesCapacity"/>).</summary>
        public int SourceCount
        {
            get { lock (_gate) return _sources.Count; }
        }

        /// <summary>
        /// Takes one datagram heard from <paramref name="from"/>: the address to dial (the sender's address, with its scope
        /// for IPv6 link-local, and the announced port) and the announced id, or null when it is this node's own echo or
        /// not taken (counted in LanAnnouncementsDropped; the caller counts one taken when the address book keeps it).
        /// </summary>
        public string Hear(byte[] buffer, int length, IPEndPoint from, out Id128 nodeId)
        {
            if (!LanAnnouncement.TryDecode(buffer, length, out nodeId, out ushort port) || !IsSender(from))
            {
                _stats.LanAnnouncementDropped();
                return null;
            }
            if (nodeId == _self) return null; // our own, looped back (or someone using our id: the handshake would refuse it anyway)
            IPAddress source = EndPoints.Unmap(from.Address);
            string address = EndPoints.Format(new IPEndPoint(source, port));
            long now = _clock.NowMs();
            lock (_gate)
            {
                if (!_all.TryTake() || !TakeFromSource(source, now) || !Keep(address, source, nodeId, now))
                {
                    _stats.LanAnnouncementDropped();
                    return null;
                }
            }
            return address;
        }

        /// <summary>A unicast address a node could listen at: not multicast, broadcast, unspecified or empty.</summary>
        private static bool IsSender(IPEndPoint from)
        {
            if (from == null) return false;
            IPAddress ip = EndPoints.Unmap(from.Address);
            if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.Broadcast)) return false;
            if (ip.AddressFamily == AddressFamily.InterNetworkV6) return !ip.IsIPv6Multicast;
            byte first = ip.GetAddressBytes()[0];
            return first < 224; // not multicast (224/4) nor reserved (240/4)
        }

        private bool TakeFromSource(IPAddress source, long now)
        {
            if (!_sources.TryGetValue(source, out Source entry))
            {
                if (_sources.Count >= Tunables.LanSourcesCapacity)
                {
                    // Make room only from sources quiet for a candidate's lifetime: busy ones keep their place.
                    IPAddress[] quiet = _sources.Where(s => now - s.Value.LastHeardMs >= Tunables.LanCandidateLifetimeMs).Select(s => s.Key).ToArray();
                    foreach (IPAddress q in quiet) _sources.Remove(q);
                    if (_sources.Count >= Tunables.LanSourcesCapacity) return false;
                }
                entry = new Source(new TokenBucket(_clock, Tunables.LanHeardPerSourcePerSecond, Tunables.LanHeardPerSourceBurst));
                _sources[source] = entry;
            }
            entry.LastHeardMs = now;
            return entry.Budget.TryTake();
        }

        private bool Keep(string address, IPAddress source, Id128 nodeId, long now)
        {
            if (_candidates.TryGetValue(address, out Candidate known))
            {
                known.NodeId = nodeId; // a node restarted at the same address with a new id
                known.LastHeardMs = now;
                return true;
            }
            if (_candidates.Count >= _capacity || _candidates.Values.Count(c => c.Source.Equals(source)) >= Tunables.LanCandidatesPerSource)
            {
                string[] stale = _candidates.Where(c => now - c.Value.LastHeardMs >= Tunables.LanCandidateLifetimeMs).Select(c => c.Key).ToArray();
                foreach (string s in stale) _candidates.Remove(s);
                if (_candidates.Count >= _capacity || _candidates.Values.Count(c => c.Source.Equals(source)) >= Tunables.LanCandidatesPerSource) return false;
            }
            _candidates[address] = new Candidate { Source = source, NodeId = nodeId, LastHeardMs = now };
            return true;
        }

        private sealed class Source
        {
            public Source(TokenBucket budget) => Budget = budget;

            public TokenBucket Budget { get; }

            public long LastHeardMs { get; set; }
        }

        private sealed class Candidate
        {
            public IPAddress Source { get; set; }

            public Id128 NodeId { get; set; }

            public long LastHeardMs { get; set; }
        }
    }
}
