using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Stats;
using PSPeerChat.Timing;

namespace PSPeerChat.Crawl
{
    /// <summary>
    /// PROBE and REPORT (protocol.md §11): floods a probe once per node, answers it, and passes reports back along the
    /// path each probe came, to the asker. Bounded: probes remembered (count and age), probes accepted per link and per
    /// node (token buckets), reports passed back per probe (one per reporter, at most <see cref="MaxReportsPerProbe"/>).
    /// Called from the links' readers; one lock around the tables, never held while sending.
    /// </summary>
    internal sealed class ProbeRouter
    {
        /// <summary>Probes remembered at once, and how long (longer than the freshness window plus the clock skew).</summary>
        public const int MaxPaths = 256;
        public const long PathLifetimeMs = 120_000;

        /// <summary>A probe older than this (or further ahead than <see cref="MaxSkewMs"/>) by our clock is refused.</summary>
        public const long FreshnessMs = 60_000;
        public const long MaxSkewMs = 30_000;

        /// <summary>Reports passed back per probe, at most: larger networks get a partial map.</summary>
        public const int MaxReportsPerProbe = 4096;

        /// <summary>Reports of one probe taken from one link, at most: a hostile neighbour fills half the probe's share, not all of it.</summary>
        public const int MaxReportsPerLink = MaxReportsPerProbe / 2;

        /// <summary>Reporters remembered over all probes: what the tables can hold at most, about 3 MB.</summary>
        public const int MaxReportsHeld = 65_536;

        /// <summary>New probes a link may hand us: a burst of 20, then one a second; all links together: 4 a second.</summary>
        private const double LinkPerSecond = 1, LinkBurst = 20, NodePerSecond = 4, NodeBurst = 40;

        private readonly NodeIdentity _identity;
        private readonly SignatureVerifier _verifier;
        private readonly NodeStats _stats;
        private readonly TimeProvider _clock;
        private readonly Func<string> _name;
        private readonly Func<IReadOnlyList<Link>> _links;
        private readonly Func<bool> _decline;
        private readonly object _gate = new object();
        private readonly Dictionary<Id128, ProbePath> _paths = new Dictionary<Id128, ProbePath>();
        private readonly Queue<Id128> _order = new Queue<Id128>();
        private readonly ConditionalWeakTable<Link, TokenBucket> _linkBudgets = new ConditionalWeakTable<Link, TokenBucket>();
        private readonly TokenBucket _nodeBudget;
        private int _reportsHeld;

        public ProbeRouter(NodeIdentity identity, SignatureVerifier verifier, NodeStats stats, TimeProvider clock, Func<string> name, Func<IReadOnlyList<Link>> links, Func<bool> decline)
        {
            _identity = identity;
            _verifier = verifier;
            _stats = stats;
            _clock = clock;
            _name = name;
            _links = links;
            _decline = decline;
            _nodeBudget = new TokenBucket(clock, NodePerSecond, NodeBurst);
        }

        /// <summary>Sends a probe of this node to every PeerChat link; its reports come to the returned probe.</summary>
        public NetworkProbe Ask(ProbeKind kind, byte hopLimit)
        {
            Id128 id = Id128.NewRandom();
            long now = _clock.UnixNowMs();
            var probe = new NetworkProbe(id, kind, now, _clock);
            lock (_gate) Remember(id, new ProbePath(null, _clock.NowMs(), probe));
            byte[] frame = ProbeFrame.Create(_identity, id, kind, now, hopLimit);
            foreach (Link link in _links())
            {
                if (!link.IsText) link.TryEnqueue(new OutboundFrame(frame, null), 0);
            }
            return probe;
        }

        /// <summary>A PROBE from <paramref name="from"/>; false when the link was closed for it.</summary>
        public bool OnProbe(Link from, byte[] buffer, int body, int length)
        {
            if (ProbeFrame.TryPeekId(buffer, body, length, out Id128 id) && Knows(id))
            {
                return true; // a copy of a probe already handled: the flood's normal waste, not counted
            }
            if (!ProbeFrame.TryDecode(buffer, body, length, out Probe probe, out string error))
            {
                _stats.InvalidFrame();
                from.Misbehaved(error);
                return false;
            }
            long age = _clock.UnixNowMs() - probe.TimestampMs;
            if (age > FreshnessMs || -age > MaxSkewMs)
            {
                _stats.ProbeRefused(); // old (a replay) or from a wrong clock: dropped, the link may be honest
                return true;
            }
            if (!Spend(from))
            {
                _stats.ProbeRefused();
                // A fault only for the neighbour's own probes: an honest relay passes on what others ask.
                return !(probe.Hops <= 1 && probe.AskerId == from.RemoteId && from.Fault("PROBEs of its own over the link's budget"));
            }
            bool valid = ProbeFrame.VerifySignature(probe, _verifier);
            _stats.Verification(valid);
            if (!valid)
            {
                from.Misbehaved("a PROBE whose signature does not match asker " + probe.AskerId.ToString().Substring(0, 8));
                return false;
            }
            lock (_gate)
            {
                if (_paths.ContainsKey(id)) return true; // another link's copy won the race
                Remember(id, new ProbePath(from, _clock.NowMs(), null));
            }
            if (probe.Hops < probe.HopLimit)
            {
                byte[] relay = ProbeFrame.RelayCopy(probe);
                foreach (Link link in _links())
                {
                    if (link != from && !link.IsText) link.TryEnqueue(new OutboundFrame(relay, null), 0);
                }
            }
            Answer(from, probe);
            return true;
        }

        /// <summary>A REPORT from <paramref name="from"/>: opened here when this node asked, else passed back one link.</summary>
        public bool OnReport(Link from, byte[] buffer, int body, int length)
        {
            if (!ReportFrame.TryPeek(buffer, body, length, out Id128 probeId, out Id128 reporterId))
            {
                _stats.InvalidFrame();
                from.Misbehaved("a malformed REPORT (" + length + " bytes)");
                return false;
            }
            Link upstream;
            NetworkProbe asked;
            lock (_gate)
            {
                ProbePath path = _paths.TryGetValue(probeId, out ProbePath known) ? known : null;
                int fromLink = 0;
                if (path == null || path.Reporters.Count >= MaxReportsPerProbe || _reportsHeld >= MaxReportsHeld
                    || (path.PerLink.TryGetValue(from, out fromLink) && fromLink >= MaxReportsPerLink) || !path.Reporters.Add(reporterId))
                {
                    _stats.ReportDropped(); // unknown or forgotten probe, a second report of one node, or past a bound
                    return true;
                }
                path.PerLink[from] = fromLink + 1;
                _reportsHeld++;
                upstream = path.Upstream;
                asked = path.Asked;
            }
            if (asked != null)
            {
                Report report = ReportFrame.TryOpen(buffer, body, length, _verifier, out string error);
                _stats.Verification(report != null);
                if (report == null || report.Kind != asked.Kind)
                {
                    _stats.ReportDropped();
                    // Relays pass reports on unchecked; only the neighbour's own report is its fault.
                    return !(reporterId == from.RemoteId && from.Fault(error ?? "a REPORT of another kind than its probe"));
                }
                asked.Add(report);
                return true;
            }
            byte[] copy = new byte[ProtocolLimits.LengthPrefix + length];
            BigEndian.WriteUInt32(copy, 0, (uint)length);
            Buffer.BlockCopy(buffer, body, copy, ProtocolLimits.LengthPrefix, length);
            if (upstream.TryEnqueue(new OutboundFrame(copy, null), 0)) _stats.ReportForwarded();
            else _stats.ReportDropped();
            return true;
        }

        private void Answer(Link to, Probe probe)
        {
            bool decline = _decline();
            List<ReportedLink> links = null;
            if (probe.Kind == ProbeKind.Map && !decline)
            {
                links = _links().Where(l => !l.IsText && !l.RemoteId.IsEmpty).Take(ReportFrame.MaxLinks)
                    .Select(l => new ReportedLink(l.RemoteId, Latency(l), l.Direction)).ToList();
            }
            byte[] report = ReportFrame.Create(_identity, _name(), probe.Kind, probe.Id, probe.Hops, _clock.UnixNowMs(), decline, links);
            if (to.TryEnqueue(new OutboundFrame(report, null), 0)) _stats.ProbeAnswered();
        }

        /// <summary>A link's keepalive round trip as a REPORT carries it.</summary>
        public static ushort Latency(Link link)
        {
            long ms = link.Counters.LatencyMs;
            return ms < 0 ? ReportFrame.UnknownLatency : (ushort)Math.Min(ms, ReportFrame.UnknownLatency - 1);
        }

        private bool Knows(Id128 id)
        {
            lock (_gate) return _paths.ContainsKey(id);
        }

        private bool Spend(Link from)
        {
            TokenBucket bucket = _linkBudgets.GetValue(from, _ => new TokenBucket(_clock, LinkPerSecond, LinkBurst));
            lock (_gate) return bucket.TryTake() && _nodeBudget.TryTake();
        }

        /// <summary>Adds a path, forgetting expired ones and, at the bound, the oldest (under the lock).</summary>
        private void Remember(Id128 id, ProbePath path)
        {
            long now = _clock.NowMs();
            while (_order.Count > 0 && (_paths.Count >= MaxPaths || now - _paths[_order.Peek()].CreatedMs > PathLifetimeMs))
            {
                Id128 oldest = _order.Dequeue();
                _reportsHeld -= _paths[oldest].Reporters.Count;
                _paths.Remove(oldest);
            }
            _paths[id] = path;
            _order.Enqueue(id);
        }
    }
}
