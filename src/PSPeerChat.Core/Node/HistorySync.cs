using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using PSPeerChat.Flood;
using PSPeerChat.History;
using PSPeerChat.Identity;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;
using PSPeerChat.Timing;

namespace PSPeerChat
{
    /// <summary>
    /// "What you missed" (protocol.md §3.14): when a PeerChat link comes up, each side asks the other for the frames of
    /// its history window it lacks (a HISTORY-REQUEST with a Bloom filter of what it holds), and answers the other's
    /// requests from its <see cref="HistoryStore"/> with CATCHUP frames, oldest first, then a HISTORY-END. Caught-up frames
    /// go through the flood receiver's checks like any other (with the history window) and are not relayed. Everything
    /// here runs on the link's reader; the state of each link is its own, the store has its own lock.
    /// </summary>
    internal sealed class HistorySync
    {
        private readonly HistoryStore _store; // null: history is off
        private readonly FloodReceiver _receiver;
        private readonly Messaging _messaging;
        private readonly LinkTable _links;
        private readonly NodeStats _stats;
        private readonly TimeProvider _clock;
        private readonly bool _verified;
        private const int LargestCatchUp = ProtocolLimits.LengthPrefix + ProtocolLimits.MaxFrameBody;
        private readonly ConditionalWeakTable<Link, SyncState> _states = new ConditionalWeakTable<Link, SyncState>();

        public HistorySync(HistoryStore store, FloodReceiver receiver, Messaging messaging, LinkTable links, NodeStats stats, TimeProvider clock, bool verified)
        {
            _store = store;
            _receiver = receiver;
            _messaging = messaging;
            _links = links;
            _stats = stats;
            _clock = clock;
            _verified = verified;
        }

        /// <summary>A PeerChat link was registered (both INTROs seen): ask it for what this node missed.</summary>
        public void OnLinkRegistered(Link link)
        {
            if (_store == null || link.IsText || link.IsDialBack) return;
            SyncState state = StateOf(link);
            // What this node accepts from now on reaches the neighbour live on this link: serving it again would only
            // make a duplicate (a frame accepted while the first exchange runs, or one the neighbour itself sent since).
            state.ServeBefore = _store.Sequence;
            SendRequest(link, state);
        }

        public bool OnFrame(Link link, FrameType type, byte[] buffer, int body, int length)
        {
            switch (type)
            {
                case FrameType.HistoryRequest: return OnRequest(link, buffer, body, length);
                case FrameType.CatchUp: return OnCatchUp(link, buffer, body, length);
                default: return OnEnd(link, buffer, body, length);
            }
        }

        private SyncState StateOf(Link link) => _states.GetValue(link, l => new SyncState(_clock));

        /// <summary>A fresh filter of every key held now: built after the last batch was taken in, so it names that batch too.</summary>
        private void SendRequest(Link link, SyncState state)
        {
            byte[] salt = new byte[HistoryFrame.SaltSize];
            Id128.NewRandom().Write(salt, 0);
            List<KeyValuePair<Id128, long>> keys = _store.Keys();
            KeyFilter filter = KeyFilter.ForKeys(keys.Count, HistoryFrame.MaxFilterBytes, salt);
            foreach (KeyValuePair<Id128, long> k in keys) filter.Add(k.Key);
            state.Outstanding = true;
            state.Asked = Tunables.HistoryAnswerBytes;
            state.Received = 0;
            state.Rounds++;
            byte[] frame = HistoryFrame.EncodeRequest(_store.SinceMs(_clock.UnixNowMs()), state.Asked, filter.Hashes, salt, filter.Bits);
            link.TryEnqueue(new OutboundFrame(frame, null), 0);
        }

        /// <summary>Serves a neighbour's request within its budget, or refuses it (HISTORY-END refused).</summary>
        private bool OnRequest(Link link, byte[] buffer, int body, int length)
        {
            HistoryFrame.Request request = HistoryFrame.TryDecodeRequest(buffer, body, length, out string error);
            if (request == null) return link.Fail(error);
            SyncState state = StateOf(link);
            int left = _store == null ? 0 : state.ServeBudget(_store.MaxBytes, _store.WindowMs, _clock.NowMs());
            int budget = Math.Min(request.Budget, left);
            // Refused once what is left of the link's share could not hold a largest frame: it has had its HistoryBytes.
            // An honest neighbour asks once when the link comes up and again only after "more": any other request would
            // buy a pass over the whole history for the price of a 30-byte frame, so it is refused without one.
            if (!state.MayAsk || left < LargestCatchUp || !state.Requests.TryTake())
            {
                // History off, or this link asked for more than its share (HistoryBytes per window), too often, or unasked.
                state.MayAsk = false;
                _stats.HistoryRequestRefused();
                link.TryEnqueue(new OutboundFrame(HistoryFrame.EncodeEnd(HistoryFrame.Refused), null), 0);
                return true;
            }
            var filter = new KeyFilter(request.Salt, request.Hashes, request.Filter);
            long since = Math.Max(request.SinceMs, _clock.UnixNowMs() - _store.WindowMs);
            List<byte[]> frames = _store.Missing(filter, since, state.ServeBefore, budget, 1, out bool more);
            long sent = 0;
            foreach (byte[] stored in frames)
            {
                byte[] wrapped = HistoryFrame.WrapCatchUp(stored);
                if (wrapped == null) continue; // a 64 KiB frame: one byte too long to wrap
                if (!link.TryEnqueue(new OutboundFrame(wrapped, null), 0))
                {
                    more = true; // its queue is full: the rest in the next round
                    break;
                }
                sent += wrapped.Length;
                _stats.HistoryFrameServed();
            }
            state.Served += sent;
            // After "done" this link has what it asked for, and after a "more" that carried nothing (a budget too small for
            // one frame) an honest asker stops too (OnEnd): in both cases a further request is refused.
            state.MayAsk = more && sent > 0;
            link.TryEnqueue(new OutboundFrame(HistoryFrame.EncodeEnd(more ? HistoryFrame.More : HistoryFrame.Done), null), 0);
            return true;
        }

        /// <summary>A caught-up frame: only within an outstanding request's bytes, then checked like any flooded frame.</summary>
        private bool OnCatchUp(Link link, byte[] buffer, int body, int length)
        {
            SyncState state = StateOf(link);
            int bytes = ProtocolLimits.LengthPrefix + length;
            if (!state.Outstanding || state.Received + bytes > state.Asked)
            {
                _stats.HistoryFrameDropped();
                return !link.Fault(state.Outstanding ? "more CATCHUP bytes than it was asked for" : "a CATCHUP nobody asked for");
            }
            state.Received += bytes;
            byte[] frame = HistoryFrame.TryUnwrapCatchUp(buffer, body, length, out string error);
            if (frame == null) return link.Fail(error);
            FloodDelivery delivery = _receiver.Receive(link, frame, ProtocolLimits.LengthPrefix, frame.Length - ProtocolLimits.LengthPrefix, _links.Registered, out FloodMessage message, out bool closed, caughtUp: true);
            switch (delivery)
            {
                case FloodDelivery.Message:
                    _stats.HistoryCaughtUpDelivered();
                    _messaging.Deliver(message, link, verified: !message.IsTextOrigin && _verified, caughtUp: true);
                    break;
                case FloodDelivery.Direct:
                    _stats.HistoryCaughtUpDelivered();
                    _messaging.DeliverDirect(message, link, caughtUp: true);
                    break;
            }
            return !closed;
        }

        /// <summary>The end of an answer: on "more", the next request, with a filter that now holds this batch.</summary>
        private bool OnEnd(Link link, byte[] buffer, int body, int length)
        {
            if (!HistoryFrame.TryDecodeEnd(buffer, body, length, out byte status)) return link.Fail("a malformed HISTORY-END");
            SyncState state = StateOf(link);
            if (!state.Outstanding)
            {
                _stats.HistoryFrameDropped();
                return !link.Fault("a HISTORY-END nobody asked for");
            }
            state.Outstanding = false;
            // "More" with nothing in the batch cannot make progress: stop rather than ask in a loop.
            if (status == HistoryFrame.More && state.Received > 0 && state.Rounds < Tunables.HistoryMaxRounds) SendRequest(link, state);
            return true;
        }

        /// <summary>One link's sync: what it was asked (requester side) and what it was served (serving side).</summary>
        private sealed class SyncState
        {
            public SyncState(TimeProvider clock)
            {
                Requests = new TokenBucket(clock, Tunables.HistoryRequestsPerSecond, Tunables.HistoryRequestsBurst);
                ServedSinceMs = clock.NowMs();
            }

            /// <summary>The store's sequence when the link was registered: only what was accepted before is served to it.</summary>
            public long ServeBefore = long.MaxValue;

            /// <summary>Serving side: whether the neighbour may send a request (its first, or the next after "more").</summary>
            public bool MayAsk = true;

            public bool Outstanding;
            public int Asked;
            public long Received;
            public int Rounds;
            public long Served;
            public long ServedSinceMs;

            public TokenBucket Requests { get; }

            /// <summary>What may still be served to this link: HistoryBytes per history window, counted from its first request.</summary>
            public int ServeBudget(long maxBytes, long windowMs, long nowMs)
            {
                if (nowMs - ServedSinceMs >= windowMs)
                {
                    ServedSinceMs = nowMs;
                    Served = 0;
                }
                return (int)Math.Max(0, Math.Min(int.MaxValue, maxBytes - Served));
            }
        }
    }
}
