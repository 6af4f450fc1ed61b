using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PSPeerChat.Flood;
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
    /// Finds out whether this node's listen address answers from outside (protocol.md §3.11), as libp2p's AutoNAT
    /// does: once it has links it asks up to <see cref="Tunables.DialBackAsks"/> neighbours, from different address
    /// groups where it can, to dial it back. One Reachable answer makes it Reachable; Unreachable answers and no
    /// Reachable one make it Unreachable; refusals and silence leave it as it was and the round is tried again after
    /// <see cref="Tunables.DialBackRetryMs"/>. A verdict is checked again every <see cref="Tunables.DialBackRecheckMs"/>.
    /// Answers nobody asked for are dropped and counted (DialBackAnswersIgnored).
    /// </summary>
    internal sealed class ReachabilityCheck
    {
        private readonly object _gate = new object();
        private readonly Dictionary<ulong, Link> _asked = new Dictionary<ulong, Link>();
        private readonly Func<Link[]> _links;
        private readonly NodeStats _stats;
        private readonly TimeProvider _clock;
        private readonly Random _random = new Random();
        private long _roundStartedMs;
        private long _nextRoundMs;
        private int _reachableAnswers;
        private int _unreachableAnswers;
        private int _state = (int)Reachability.Unknown;
        private long _checkedAtTicks;

        public ReachabilityCheck(Func<Link[]> links, NodeStats stats, TimeProvider clock)
        {
            _links = links;
            _stats = stats;
            _clock = clock;
        }

        public Reachability State => (Reachability)Volatile.Read(ref _state);

        /// <summary>When the last verdict was reached; null before one.</summary>
        public DateTimeOffset? CheckedAt
        {
            get
            {
                long ticks = Interlocked.Read(ref _checkedAtTicks);
                return ticks == 0 ? (DateTimeOffset?)null : new DateTimeOffset(ticks, TimeSpan.Zero).ToLocalTime();
            }
        }

        /// <summary>Starts a round when one is due and there are neighbours to ask; ends a round whose answers are overdue.</summary>
        public void AskIfDue(long now)
        {
            var send = new List<KeyValuePair<ulong, Link>>(Tunables.DialBackAsks);
            lock (_gate)
            {
                if (_asked.Count > 0)
                {
                    if (now - _roundStartedMs < Tunables.DialBackAnswerWaitMs) return;
                    EndRound(now);
                }
                if (now < _nextRoundMs) return;
                Link[] candidates = _links().Where(l => !l.IsText && l.State == PeerState.Connected).OrderBy(_ => _random.Next()).ToArray();
                if (candidates.Length == 0) return;
                foreach (Link link in PickFromDifferentGroups(candidates, Tunables.DialBackAsks))
                {
                    ulong nonce = (ulong)Id128.NewRandom().Low;
                    _asked[nonce] = link;
                    send.Add(new KeyValuePair<ulong, Link>(nonce, link));
                }
                _roundStartedMs = now;
                _reachableAnswers = 0;
                _unreachableAnswers = 0;
                _nextRoundMs = now + Tunables.DialBackRetryMs; // replaced by the recheck time when the round gives a verdict
            }
            foreach (KeyValuePair<ulong, Link> ask in send) ask.Value.TryEnqueue(new OutboundFrame(DialBackFrame.EncodeRequest(ask.Key), null), 0);
        }

        /// <summary>A DIALBACK-RESULT from <paramref name="link"/>; false when malformed (the link is closed).</summary>
        public bool OnResult(Link link, byte[] buffer, int body, int length)
        {
            if (!DialBackFrame.TryDecodeResult(buffer, body, length, out ulong nonce, out DialBackOutcome outcome)) return link.Fail("a malformed DIALBACK-RESULT");
            long now = _clock.NowMs();
            lock (_gate)
            {
                if (!_asked.TryGetValue(nonce, out Link asked) || asked != link)
                {
                    _stats.DialBackAnswerIgnored();
                    return true;
                }
                _asked.Remove(nonce);
                if (outcome == DialBackOutcome.Reachable) _reachableAnswers++;
                else if (outcome == DialBackOutcome.Unreachable) _unreachableAnswers++;
                if (_asked.Count == 0) EndRound(now);
            }
            return true;
        }

        /// <summary>Under the lock: the verdict of the answers in; unanswered asks are forgotten (late answers are ignored).</summary>
        private void EndRound(long now)
        {
            _asked.Clear();
            if (_reachableAnswers == 0 && _unreachableAnswers == 0) return; // no verdict: retried after DialBackRetryMs
            Volatile.Write(ref _state, (int)(_reachableAnswers > 0 ? Reachability.Reachable : Reachability.Unreachable));
            Interlocked.Exchange(ref _checkedAtTicks, _clock.GetUtcNow().UtcTicks);
            _nextRoundMs = now + Tunables.DialBackRecheckMs;
        }

        /// <summary>Up to <paramref name="count"/> links, each from an address group none before it is in while there are such.</summary>
        private static IEnumerable<Link> PickFromDifferentGroups(Link[] shuffled, int count)
        {
            var picked = new List<Link>(count);
            var groups = new HashSet<string>(StringComparer.Ordinal);
            foreach (Link link in shuffled)
            {
                if (picked.Count == count) break;
                if (groups.Add(GroupOf(link))) picked.Add(link);
            }
            foreach (Link link in shuffled)
            {
                if (picked.Count == count) break;
                if (!picked.Contains(link)) picked.Add(link);
            }
            return picked;
        }

        private static string GroupOf(Link link) => link.RemoteEndPoint == null ? string.Empty : AddressGroups.Of(link.RemoteEndPoint.Address, link.RemoteEndPoint.Port);
    }
}
