using System;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;
using PSPeerChat.Timing;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// Answers neighbours' DIALBACK (protocol.md §3.11). The one address ever dialled is the asker's own, as this node
    /// sees it: the IP its link comes from, at the listen port of its INTRO; the frame names none, so no neighbour can
    /// point this node at a third party. Budgeted: one dial-back per link per <see cref="Tunables.DialBackPerLinkMs"/>
    /// (more asks are dropped unanswered), at most <see cref="Tunables.MaxDialBacksInFlight"/> at once (beyond that the
    /// answer is Refused), each within <see cref="Tunables.DialBackTimeout"/>. Every ask not dialled is counted
    /// (DialBacksRefused); every dial-back done too (DialBacksDone).
    /// </summary>
    internal sealed class DialBackService
    {
        private readonly Func<IPEndPoint, Id128, Task<DialBackOutcome>> _probe;
        private readonly Action<Link> _reached;
        private readonly NodeStats _stats;
        private readonly TimeProvider _clock;
        private readonly ConditionalWeakTable<Link, StrongBox<long>> _lastAsk = new ConditionalWeakTable<Link, StrongBox<long>>();
        private int _inFlight;

        /// <param name="probe">Dials the address: Reachable when Noise message 2 there carried the node id, Unreachable when nothing answered or another node did, Refused when something answered but gave no verdict (full, busy); never throws.</param>
        /// <param name="reached">Called for a link whose listen address a dial-back reached: the address may now be gossiped.</param>
        public DialBackService(Func<IPEndPoint, Id128, Task<DialBackOutcome>> probe, Action<Link> reached, NodeStats stats, TimeProvider clock)
        {
            _probe = probe;
            _reached = reached;
            _stats = stats;
            _clock = clock;
        }

        /// <summary>Dial-backs under way now.</summary>
        public int InFlight => Volatile.Read(ref _inFlight);

        /// <summary>A DIALBACK from <paramref name="link"/> (its reader: returns at once, the dial runs on its own).</summary>
        public void OnRequest(Link link, ulong nonce)
        {
            long now = _clock.NowMs();
            StrongBox<long> last = _lastAsk.GetValue(link, _ => new StrongBox<long>(long.MinValue / 2));
            lock (last)
            {
                if (now - last.Value < Tunables.DialBackPerLinkMs)
                {
                    _stats.DialBackRefused(); // over this link's budget: no dial, no answer
                    return;
                }
                last.Value = now;
            }
            IPEndPoint target = link.ListenEndPoint; // the link's own remote IP, the port from its INTRO (LinkHandshake)
            if (target == null)
            {
                _stats.DialBackRefused();
                Answer(link, nonce, DialBackOutcome.Refused);
                return;
            }
            if (link.ListensWhereDialled)
            {
                // We dialled it there and it answered: the proof is in hand, no second dial needed.
                _stats.DialBackDone();
                Answer(link, nonce, DialBackOutcome.Reachable);
                return;
            }
            if (Interlocked.Increment(ref _inFlight) > Tunables.MaxDialBacksInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                _stats.DialBackRefused();
                Answer(link, nonce, DialBackOutcome.Refused);
                return;
            }
            _ = DialBackAsync(link, nonce, target, link.RemoteId);
        }

        private async Task DialBackAsync(Link link, ulong nonce, IPEndPoint target, Id128 expected)
        {
            DialBackOutcome outcome;
            try
            {
                outcome = await _probe(target, expected).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
            _stats.DialBackDone();
            if (outcome == DialBackOutcome.Reachable && link.State == PeerState.Connected) _reached(link);
            Answer(link, nonce, outcome);
        }

        private static void Answer(Link link, ulong nonce, DialBackOutcome outcome)
        {
            if (link.State == PeerState.Connected) link.TryEnqueue(new OutboundFrame(DialBackFrame.EncodeResult(nonce, outcome), null), 0);
        }
    }
}
