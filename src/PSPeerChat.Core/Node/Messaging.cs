using System;
using System.Collections.Generic;
using PSPeerChat.Content;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Inbox;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;
using PSPeerChat.Timing;

namespace PSPeerChat
{
    /// <summary>
    /// Messages in and out of a node (protocol.md §4, §5, §8): broadcasts and direct messages it originates, lines of
    /// plain text peers it fronts for, and delivery of what the flood receiver accepted to the inbox and the events.
    /// </summary>
    internal sealed class Messaging
    {
        private readonly PeerNode _node;
        private readonly FloodRouter _router;
        private readonly LinkTable _links;
        private readonly MessageInbox _inbox;
        private readonly PeerDirectory _directory;
        private readonly NodeStats _stats;
        private readonly NodeEvents _events;
        private readonly TimeProvider _clock;
        private readonly ChannelTable _channels;
        private readonly WorkQueue _textLineWork = new WorkQueue(Tunables.TextLineWorkQueue);

        public Messaging(PeerNode node, FloodRouter router, LinkTable links, MessageInbox inbox, PeerDirectory directory, NodeStats stats, NodeEvents events, TimeProvider clock, ChannelTable channels)
        {
            _channels = channels;
            _node = node;
            _router = router;
            _links = links;
            _inbox = inbox;
            _directory = directory;
            _stats = stats;
            _events = events;
            _clock = clock;
        }

        private PeerNodeOptions Options => _node.Options;

        /// <summary>Flag bit 1 when this node proves what it sends (protocol.md §3.10).</summary>
        private MessageFlags Work => Options.ProofOfWork > 0 ? MessageFlags.ProofOfWork : MessageFlags.None;

        /// <summary>
        /// A broadcast on <paramref name="channel"/> (a valid name, '' = the lobby), sealed when the node holds the channel's
        /// key (§3.12); <paramref name="content"/> is <see cref="MessageFlags.Json"/> when <paramref name="text"/> is an
        /// object's JSON (§3.13), checked by the caller.
        /// </summary>
        public PeerMessage Broadcast(string text, string channel, MessageFlags content = MessageFlags.None)
        {
            byte[] key = _channels.KeyOf(channel);
            FloodMessage message;
            try
            {
                message = MessageFrame.CreateMessage(_node.Identity, Id128.NewRandom(), _node.Name, _clock.UnixNowMs(), Options.HopLimit, Work | content, text, Options.SignMessages, channel, key);
            }
            finally
            {
                if (key != null) Array.Clear(key, 0, key.Length);
            }
            ProveOrThrow(message);
            Originate(message, null, (int)Options.SendWait.TotalMilliseconds);
            _stats.MessageSent();
            return ToPeerMessage(message, null, 0, verified: Options.SignMessages);
        }

        public PeerMessage SendDirect(string recipient, string text, MessageFlags content = MessageFlags.None)
        {
            PeerDirectoryEntry target = ResolveRecipient(recipient);
            Id128.TryParse(target.Id, out Id128 recipientId);
            if (!_directory.TryGetEncryptionKey(recipientId, out byte[] key)) throw new ArgumentException("The node " + target + " has not announced an encryption key yet; wait for its announcement (Get-PeerDirectory) and try again.", nameof(recipient));
            FloodMessage message = DirectFrame.Create(_node.Identity, _node.Name, Id128.NewRandom(), recipientId, key, _clock.UnixNowMs(), Options.HopLimit, text, Work, Options.PadDirectMessages, content);
            ProveOrThrow(message);
            Originate(message, null, (int)Options.SendWait.TotalMilliseconds);
            _stats.MessageSent();
            PeerMessage sent = ToPeerMessage(message, null, 0, verified: true);
            sent.From = _node.Id;
            sent.FromName = _node.Name;
            sent.IsDirect = true;
            sent.To = target.Id;
            return sent;
        }

        /// <summary>
        /// Searches the nonce of a message this node sends (protocol.md §3.10), on the caller's thread; false when none
        /// was found within the time limit (its signed timestamp would be too old to cross the network).
        /// </summary>
        private bool Prove(FloodMessage message)
        {
            return Options.ProofOfWork == 0 || ProofOfWork.TrySolve(message.Frame, Options.ProofOfWork, Tunables.ProofOfWorkTimeLimit, out _);
        }

        private void ProveOrThrow(FloodMessage message)
        {
            if (Prove(message)) return;
            int body = message.Frame.Length - ProtocolLimits.LengthPrefix;
            throw new TimeoutException("The proof of work for this message (" + Options.ProofOfWork + " hashes per byte on " + body + " bytes: "
                + (ProofOfWork.ExpectedHashes(Options.ProofOfWork, body) / 1e6).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)
                + " million hashes on average) was not found within " + Tunables.ProofOfWorkTimeLimit.TotalSeconds + " s; nothing was sent. Send a shorter message, or start the node with a lower -ProofOfWork.");
        }

        /// <summary>Starts a message of this node (or of a text peer it fronts for) on every link but <paramref name="except"/>; returns on how many.</summary>
        public int Originate(FloodMessage message, Link except, int waitMilliseconds)
        {
            _router.Originate(message, except, _links.Registered, waitMilliseconds, out int sent, out int dropped);
            _stats.SendsDropped(dropped);
            return sent;
        }

        /// <summary>
        /// A line from a plain text peer: it enters the network as a new message, signed by this node as the gateway
        /// and marked TextOrigin, since nothing proves who typed it (protocol.md §5).
        /// False when the link was closed: a NUL byte means binary data (a PeerChat dialler too slow for detection).
        /// </summary>
        public bool OnTextLine(Link link, byte[] buffer, int start, int length)
        {
            if (Array.IndexOf(buffer, (byte)0, start, length) >= 0) return link.Fail("binary data on a text link");
            link.Counters.MessageReceived();
            string text = Utf8.Lenient.GetString(buffer, start, length).Trim();
            if (text.Length == 0) return true;
            if (Utf8.Strict.GetByteCount(text) > ProtocolLimits.MaxTextBytes)
            {
                _stats.InvalidFrame(); // too long for a MESSAGE: dropped, the link stays
                return true;
            }
            if (!link.TextLines.TryTake())
            {
                _stats.TextLineDropped(); // over the text peer's budget: every node would verify what we sign for it
                return true;
            }
            FloodMessage message = MessageFrame.CreateMessage(_node.Identity, Id128.NewRandom(), link.Address, _clock.UnixNowMs(), Options.HopLimit, MessageFlags.TextOrigin | Work, text);
            if (Options.ProofOfWork == 0) SendTextLine(message, link);
            else if (!_textLineWork.TryPost(() => ProveTextLine(message, link))) _stats.TextLineDropped(); // the gateway is behind with the work
            return true;
        }

        private void SendTextLine(FloodMessage message, Link link)
        {
            if (Originate(message, link, 0) > 0) _stats.MessageRelayed();
            Deliver(message, link, verified: false);
        }

        /// <summary>A text peer's line whose work the gateway does off the link's loop (protocol.md §5, §3.10), in order.</summary>
        private void ProveTextLine(FloodMessage message, Link link)
        {
            if (_node.State != PeerNodeState.Running) return;
            if (Prove(message)) SendTextLine(message, link);
            else _stats.TextLineDropped();
        }

        /// <summary>
        /// A broadcast the flood receiver accepted (and relayed): delivered when its channel is one this node shows (§3.12)
        /// and, for an object, its JSON reads (§3.13).
        /// </summary>
        /// <param name="caughtUp">It came by history catch-up (protocol.md §3.14): marked so, with its original SentAt.</param>
        public void Deliver(FloodMessage message, Link from, bool verified, bool caughtUp = false)
        {
            if (!_channels.Admit(message)) return;
            PeerMessage delivered = ToPeerMessage(message, from, message.Hops, verified);
            if (delivered == null) return;
            delivered.CaughtUp = caughtUp;
            DeliverToInbox(delivered);
        }

        /// <summary>A DIRECT for this node, opened and verified.</summary>
        public void DeliverDirect(FloodMessage message, Link from, bool caughtUp = false)
        {
            PeerMessage delivered = ToPeerMessage(message, from, message.Hops, verified: true);
            if (delivered == null) return;
            delivered.CaughtUp = caughtUp;
            delivered.IsDirect = true;
            delivered.To = _node.Id;
            DeliverToInbox(delivered);
        }

        private void DeliverToInbox(PeerMessage delivered)
        {
            _stats.MessageDelivered(); // before the inbox: whoever took the message sees the count
            _inbox.Add(delivered);
            _events.RaiseMessageReceived(delivered);
        }

        /// <summary>
        /// The message as the user sees it; for an object (§3.13) with its JSON parsed into the neutral tree. Null when
        /// that JSON does not parse within the bounds: not delivered, counted in InvalidObjects. The frame was signed
        /// and already relayed (relays do not read the text); the link stays, it is no link fault.
        /// </summary>
        private PeerMessage ToPeerMessage(FloodMessage message, Link from, int hops, bool verified)
        {
            object tree = null;
            int values = 0;
            bool isObject = (message.ContentFlags & MessageFlags.Json) != 0;
            if (isObject && !JsonReader.TryParse(message.Text, out tree, out values, out _))
            {
                _stats.InvalidObject();
                return null;
            }
            return new PeerMessage
            {
                IsObject = isObject,
                Content = tree,
                ContentValues = values,
                Id = message.Id.ToString(),
                From = message.IsTextOrigin ? message.OriginName : message.OriginId.ToString(),
                FromName = message.OriginName,
                Text = message.Text,
                SentAt = DateTimeOffset.FromUnixTimeMilliseconds(message.TimestampMs).ToLocalTime(),
                ReceivedAt = _clock.GetLocalNow(),
                Hops = hops,
                Via = from?.RemoteLabel ?? string.Empty,
                Protocol = message.IsTextOrigin ? PeerProtocol.Text : PeerProtocol.PeerChat,
                ReceivedBy = _node.Name,
                Verified = verified,
                Gateway = message.IsTextOrigin ? message.OriginId.ToString() : string.Empty,
                Channel = message.Channel,
                Private = message.IsSealed,
            };
        }

        /// <summary>
        /// The one node <paramref name="recipient"/> means (protocol.md §4.3): a full id, or a name or id prefix that matches
        /// exactly one node. Several matches are refused, whoever came first: the node does not guess whom to encrypt to.
        /// </summary>
        private PeerDirectoryEntry ResolveRecipient(string recipient)
        {
            List<PeerDirectoryEntry> matches = _directory.Find(recipient, _node.Name);
            if (matches.Count == 1) return matches[0];
            if (matches.Count == 0)
            {
                throw new ArgumentException("No node '" + recipient + "' in the directory of " + _node.Name + ". Get-PeerDirectory lists the nodes it has heard of; give a name, an id or an id prefix.", nameof(recipient));
            }
            throw new AmbiguousRecipientException(recipient, _node.Name, matches, _clock.GetLocalNow(), Tunables.NewcomerTime);
        }
    }
}
