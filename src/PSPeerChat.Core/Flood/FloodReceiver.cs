using System.Collections.Generic;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// The receive side of the flood (protocol.md §8.2): every MESSAGE, ANNOUNCE and DIRECT from a PeerChat link goes
    /// through the same ordered checks, cheapest first, and nothing is delivered or relayed before all of them passed:
    /// duplicate (untouched bytes), structure, replay window, proof of work, budgets, a byte-identical copy already being
    /// checked on another link, signature, then route. The simulation tests drive this same receiver.
    /// </summary>
    internal sealed class FloodReceiver
    {
        private readonly FloodRouter _router;
        private readonly ReplayWindow _window;
        private readonly NodeIdentity _identity;
        private readonly SignatureVerifier _verifier;
        private readonly NodeStats _stats;
        private readonly ChecksInProgress _checks = new ChecksInProgress();
        private readonly FailedFrames _failed = new FailedFrames(Tunables.FailedFramesCapacity);
        // Origins whose signed frames this node accepted, the most recent 65,536: any other spends the new-origin budget.
        private readonly BoundedSet<Id128> _origins = new BoundedSet<Id128>(Tunables.KnownOriginsCapacity);
        private readonly bool _verifyMessages;
        private readonly int _proofOfWork;

        /// <param name="verifyMessages">False only for the bench's unsigned runs: MESSAGE frames then carry no signature.</param>
        /// <param name="proofOfWork">The work a MESSAGE or DIRECT must carry, in hashes per byte (protocol.md §3.10); 0: none.</param>
        public FloodReceiver(FloodRouter router, ReplayWindow window, NodeIdentity identity, SignatureVerifier verifier, NodeStats stats, bool verifyMessages = true, int proofOfWork = 0)
        {
            _proofOfWork = proofOfWork;
            _router = router;
            _window = window;
            _identity = identity;
            _verifier = verifier;
            _stats = stats;
            _verifyMessages = verifyMessages;
        }

        /// <summary>
        /// Checks a flooded frame from <paramref name="from"/> and relays it on <paramref name="links"/>. Returns what to
        /// deliver (with <paramref name="message"/>); a malformed or forged frame closes <paramref name="from"/> and
        /// sets <paramref name="linkClosed"/>.
        /// </summary>
        /// <param name="caughtUp">
        /// The frame came in a CATCHUP this node asked for (protocol.md §3.14): the history window applies instead of the
        /// acceptance window, the link's flood budgets are not spent (the catch-up budget was), and it is not relayed.
        /// </param>
        public FloodDelivery Receive(ILink from, byte[] buffer, int body, int length, IReadOnlyList<ILink> links, out FloodMessage message, out bool linkClosed, bool caughtUp = false)
        {
            linkClosed = false;
            message = null;
            var type = (FrameType)buffer[body];
            bool chat = type != FrameType.Announce; // announcements are housekeeping: not in the message counters
            bool peeked = SeenKey.TryPeek(buffer, body, length, out Id128 key);
            // A copy is a plain duplicate unless it comes with fewer hops than every copy before (see FloodRouter.Route).
            if (peeked && _router.IsDuplicate(key, buffer[body + length - 1], buffer[body + 2]))
            {
                if (chat) _stats.DuplicateDropped();
                return FloodDelivery.None;
            }
            FloodMessage decoded = type == FrameType.Direct
                ? DirectFrame.TryDecode(buffer, body, length, out string error)
                : MessageFrame.TryDecode(buffer, body, length, out error);
            if (decoded != null && peeked) decoded.AdoptSeenKey(key); // read from the same bytes a moment ago
            if (decoded == null || !ReplayWindow.IsPlausible(decoded.TimestampMs))
            {
                _stats.InvalidFrame();
                from.Misbehaved(error ?? "timestamp out of range");
                linkClosed = true;
                return FloodDelivery.None;
            }
            if (decoded.IsTextOrigin && Id128.TryParse(decoded.OriginName, out _))
            {
                // A text peer's messages carry its address as their name (protocol.md §5); one that reads as a node id
                // was made to pass as that node's message. Dropped, counted; the neighbour may only be relaying it.
                _stats.InvalidFrame();
                linkClosed = decoded.Hops <= 1 && from.Fault("a text-origin message named with a node id");
                return FloodDelivery.None;
            }
            if (caughtUp ? !_window.IsFreshCaughtUp(decoded.TimestampMs) : !_window.IsFresh(decoded.TimestampMs))
            {
                _stats.ReplayRefused(); // a replay or a wrong clock: dropped, the link may be honest
                return FloodDelivery.None;
            }
            // The price of a message (protocol.md §3.10), before anything costs more than two hashes: a frame without enough
            // work is neither relayed nor delivered, spends no budget and is not remembered (a copy stripped of its work
            // cannot suppress the proven one). A fault only for the neighbour's own (hops 1): an honest relay with a lower
            // setting passes on what it accepted.
            if (_proofOfWork > 0 && type != FrameType.Announce && !ProofOfWork.IsProven(decoded, _proofOfWork))
            {
                _stats.ProofOfWorkDrop();
                linkClosed = !caughtUp && decoded.Hops <= 1 && from.Fault("a " + type.ToString().ToUpperInvariant() + " of its own without the proof of work this node requires (" + _proofOfWork + " hashes per byte)");
                return FloodDelivery.None;
            }
            // Budgets before any signature is checked: what a link brings from fresh identities, and DIRECTs, which
            // nothing else limits (protocol.md §8.8). Honest traffic from known origins spends nothing.
            // The neighbour's own frames (its proven id is the origin) are its own budget's business: the flood of someone
            // else it relays must not crowd out its own messages and announcements.
            bool own = type != FrameType.Direct && decoded.OriginId == from.RemoteId;
            bool newOrigin = type != FrameType.Direct && !own && !_origins.Contains(decoded.OriginId);
            if (!caughtUp && ((newOrigin && !from.TrySpend(FloodBudget.NewOrigin)) || !SpendFor(type, own, from)))
            {
                _stats.BudgetDrop();
                // A fault only when the neighbour is the frame's origin (hops 1: honest relays always add one). An honest
                // relay may pass on more than this link's budget of someone else's flood; it must not pay for it (§8.7).
                linkClosed = decoded.Hops <= 1 && from.Fault("a " + type.ToString().ToUpperInvariant() + " of its own over the link's budget");
                return FloodDelivery.None;
            }
            bool signed = type == FrameType.Announce || (type == FrameType.Message && _verifyMessages);
            byte[] checkedFrame = decoded.Frame;
            bool registered = false;
            if (signed && peeked && !_checks.TryBegin(key, checkedFrame, out registered))
            {
                if (chat) _stats.DuplicateDropped(); // the same bytes are being checked on another link
                return FloodDelivery.None;
            }
            try
            {
                if (signed)
                {
                    bool valid = MessageFrame.VerifySignature(decoded, _verifier);
                    _stats.Verification(valid);
                    if (!valid)
                    {
                        from.Misbehaved("a " + type.ToString().ToUpperInvariant() + " whose signature does not match origin " + decoded.OriginId.ToString().Substring(0, 8));
                        linkClosed = true;
                        return FloodDelivery.None;
                    }
                }
                message = decoded;
                if (newOrigin) _origins.Add(decoded.OriginId); // its signature verified (or, unsigned bench, it is a MESSAGE)
                return Accept(decoded, from, type, chat, caughtUp ? System.Array.Empty<ILink>() : links, ref linkClosed);
            }
            finally
            {
                // After Route: a passed frame is in the seen cache by now, so no copy slips between the two.
                if (registered) _checks.End(key, checkedFrame);
            }
        }

        private static bool SpendFor(FrameType type, bool own, ILink from)
        {
            switch (type)
            {
                case FrameType.Direct: return from.TrySpend(FloodBudget.Direct);
                case FrameType.Announce: return from.TrySpend(own ? FloodBudget.OwnAnnounce : FloodBudget.Announce);
                default: return true;
            }
        }

        /// <summary>A frame that passed every check: remembered and relayed (a DIRECT for us is opened first, and not relayed).</summary>
        private FloodDelivery Accept(FloodMessage message, ILink from, FrameType type, bool chat, IReadOnlyList<ILink> links, ref bool linkClosed)
        {
            bool forUs = type == FrameType.Direct && message.RecipientId == _identity.NodeId;
            // A DIRECT for us is opened before its id is remembered: a tampered copy that arrives first must not
            // make the genuine one look like a duplicate. One that fails is dropped and counted, but its link stays:
            // relays cannot check a DIRECT, so the neighbour that handed it over is most likely honest (protocol.md §8.4).
            if (forUs)
            {
                if (_router.IsKnown(message.SeenKey))
                {
                    _stats.DuplicateDropped(); // already opened and delivered: fewer hops change nothing for the recipient
                    return FloodDelivery.None;
                }
                Id128 hash = FailedFrames.KeyOf(message.Frame);
                if (_failed.Contains(hash))
                {
                    _stats.DuplicateDropped(); // the same junk again: not opened twice
                    return FloodDelivery.None;
                }
                bool opened = DirectFrame.TryOpen(message, _identity, _verifier, out _, out _);
                _stats.Verification(opened);
                if (!opened)
                {
                    _failed.Add(hash);
                    linkClosed = message.Hops <= 1 && from.Fault("a DIRECT of its own for this node that does not open");
                    return FloodDelivery.None;
                }
            }
            RouteResult result = _router.Route(message, from, links, relay: !forUs, out int relayed, out int dropped);
            _stats.SendsDropped(dropped);
            if (result != RouteResult.Deliver)
            {
                if (chat) _stats.DuplicateDropped(); // a copy relayed again is still a duplicate for this node
                return FloodDelivery.None;
            }
            if (relayed > 0 && chat) _stats.MessageRelayed();
            switch (type)
            {
                case FrameType.Message: return FloodDelivery.Message;
                case FrameType.Announce: return FloodDelivery.Announce;
                default: return forUs ? FloodDelivery.Direct : FloodDelivery.None;
            }
        }
    }
}
