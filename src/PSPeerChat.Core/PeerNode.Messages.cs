using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace PSPeerChat
{
    /// <summary>API verbs: sending, receiving, the directory and the message counters (protocol.md §4, §5, §8).</summary>
    public sealed partial class PeerNode
    {
        /// <summary>Broadcasts and direct messages this node originated.</summary>
        public long MessagesSent => Stats.MessagesSent;

        /// <summary>Messages delivered to this node's inbox (each once).</summary>
        public long MessagesDelivered => Stats.MessagesDelivered;

        /// <summary>Messages (broadcasts and direct messages, not announcements) this node passed on to at least one other neighbour, each counted once.</summary>
        public long MessagesRelayed => Stats.MessagesRelayed;

        /// <summary>Copies of messages received again and dropped (flood fill makes these; they are expected). Announcements are not counted.</summary>
        public long DuplicatesDropped => Stats.DuplicatesDropped;

        /// <summary>Malformed or oversized frames and lines received (they close their link), and text lines too long for a message (dropped; the link stays).</summary>
        public long InvalidFrames => Stats.InvalidFrames;

        /// <summary>Forged or altered frames: bad signatures (their link is closed), failed handshake proofs, direct messages to this node that fail to decrypt or verify (dropped only).</summary>
        public long InvalidSignatures => Stats.InvalidSignatures;

        /// <summary>
        /// Object messages (broadcast or direct, protocol.md §3.13) whose JSON did not parse within the bounds (depth 32,
        /// 10,000 values, strict RFC 8259, names unique ignoring case): not delivered; the link stays.
        /// </summary>
        public long InvalidObjects => Stats.InvalidObjects;

        /// <summary>Signed frames refused because their timestamp is outside the acceptance window (replays, or badly wrong clocks).</summary>
        public long ReplaysRefused => Stats.ReplaysRefused;

        /// <summary>Signatures this node checked: one per first copy of a broadcast or announcement, one per direct message to it, one per handshake.</summary>
        public long SignaturesVerified => Stats.SignaturesVerified;

        /// <summary>Frames not queued to a neighbour because its send queue was full.</summary>
        public long SendDrops => Stats.SendDrops;

        /// <summary>
        /// Flooded frames dropped because the link that brought them was over its budget: frames from origins this node had
        /// not heard before (60 a minute, 200 at once per link), DIRECTs (120 a minute, 60 at once) or ANNOUNCEs (600 a
        /// minute, 1,000 at once) (protocol.md §8.8).
        /// </summary>
        public long BudgetDrops => Stats.BudgetDrops;

        /// <summary>
        /// Times a link's reading was paused because its neighbour sent more than 5,000 frames or 1 MiB a second (20,000
        /// frames or 4 MiB at once): nothing is dropped, the neighbour is slowed down (protocol.md §8.8).
        /// </summary>
        public long ReadPauses => Stats.ReadPauses;

        /// <summary>
        /// The proof of work this node puts on what it sends and requires of what it receives, in hashes per byte; 0: off
        /// (Start-PeerNode -ProofOfWork, protocol.md §3.10).
        /// </summary>
        public int ProofOfWork => Options.ProofOfWork;

        /// <summary>
        /// True when the direct messages this node sends are padded to a size class, so their length does not show on the
        /// wire (Start-PeerNode -NoDirectPadding turns it off; protocol.md §3.9).
        /// </summary>
        public bool PadDirectMessages => Options.PadDirectMessages;

        /// <summary>
        /// Messages and direct messages dropped, neither delivered nor relayed, because they did not carry the proof of work
        /// this node requires (ProofOfWork; each copy counts): their senders' setting is lower than this node's (protocol.md §3.10).
        /// </summary>
        public long ProofOfWorkDrops => Stats.ProofOfWorkDrops;

        /// <summary>Links closed (CloseReason OverBudget) because their fault score passed its limit (protocol.md §8.7).</summary>
        public long OverBudgetLinksClosed => Stats.OverBudgetLinksClosed;

        /// <summary>Lines from plain text peers dropped because the peer sent more than 5 a second on average (20 at once).</summary>
        public long TextLinesDropped => Stats.TextLinesDropped;

        /// <summary>How far back the node keeps what it accepted for neighbours that missed it (protocol.md §4.4); zero: history off.</summary>
        public TimeSpan HistoryWindow => Options.HistoryWindow;

        /// <summary>Messages and direct messages held in the history now (a direct message for this node as its id only).</summary>
        public int HistoryCount => History?.Count ?? 0;

        /// <summary>Bytes the history holds now (frames plus about 96 an entry), at most HistoryBytes.</summary>
        public long HistoryBytesHeld => History?.Bytes ?? 0;

        /// <summary>The most bytes the history may hold (HistoryBytes).</summary>
        public long HistoryBytes => Options.HistoryBytes;

        /// <summary>History entries pushed out by the byte or count bound before they left the window.</summary>
        public long HistoryEvicted => History?.Evicted ?? 0;

        /// <summary>Messages delivered by history catch-up (PeerMessage.CaughtUp): sent while this node was away (protocol.md §3.14).</summary>
        public long CaughtUp => Stats.HistoryCaughtUp;

        /// <summary>Frames this node sent to neighbours catching up.</summary>
        public long HistoryServed => Stats.HistoryServed;

        /// <summary>History requests refused: history off, a request after the answer "done" or "refused", or the neighbour asked for more than its share (HistoryBytes per window, 80 requests at once).</summary>
        public long HistoryRefused => Stats.HistoryRefused;

        /// <summary>Caught-up frames (and HISTORY-ENDs) dropped because nobody asked for them or they passed the bytes asked (each a fault of the link).</summary>
        public long HistoryDropped => Stats.HistoryDropped;

        /// <summary>Messages dropped from a full inbox (the oldest goes first).</summary>
        public long InboxDropped => _inbox.Dropped;

        /// <summary>
        /// Nodes not put into the directory (and renames not taken) because it was full of nodes it keeps: a newcomer
        /// pushes out only a node nobody has heard of for a while (protocol.md §4.3). Rising, it means someone is filling
        /// the directory with identities; nodes already known are not affected.
        /// </summary>
        public long DirectoryRefused => _directory.Refused;

        /// <summary>Messages waiting in the inbox.</summary>
        public int InboxCount => _inbox.Count;

        public int InboxCapacity => _inbox.Capacity;

        /// <summary>
        /// Broadcasts a text, signed by this node, to the whole network. Waits (up to Options.SendWait) for room in a
        /// neighbour's full send queue: that is the back-pressure a fast local sender gets. With ProofOfWork above 0 it first
        /// searches the message's proof of work on this thread (protocol.md §3.10). Returns the message as sent.
        /// </summary>
        /// <exception cref="ArgumentException">The text is longer than ProtocolLimits.MaxTextBytes in UTF-8.</exception>
        /// <exception cref="TimeoutException">The proof of work was not found within 60 s; nothing was sent.</exception>
        /// <exception cref="InvalidOperationException">The node is stopped.</exception>
        public PeerMessage Broadcast(string text) => Broadcast(text, Protocol.ChannelName.Lobby);

        /// <summary>
        /// Broadcasts a text on <paramref name="channel"/> ('' or null: the lobby; a leading '#' is dropped). Every node
        /// relays it; nodes deliver it when they show that channel. On a channel this node joined with a passphrase the
        /// text is sealed with the channel's key (protocol.md §3.12).
        /// </summary>
        /// <exception cref="ArgumentException">The channel name is invalid, or the text too long.</exception>
        public PeerMessage Broadcast(string text, string channel)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            string name = Protocol.ChannelName.Parse(channel, nameof(channel));
            EnsureRunning();
            return _messaging.Broadcast(text, name);
        }

        /// <summary>
        /// Sends a text only <paramref name="recipient"/> can read (a node id, a unique id prefix or a name from the
        /// directory). It is flooded like a broadcast, so it works in any topology; relays see neither text nor sender.
        /// </summary>
        /// <exception cref="ArgumentException">The recipient is unknown or ambiguous, or the text is too long.</exception>
        /// <exception cref="TimeoutException">The proof of work was not found within 60 s; nothing was sent.</exception>
        public PeerMessage SendDirect(string recipient, string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            EnsureRunning();
            return _messaging.SendDirect(recipient, text);
        }

        /// <summary>
        /// Broadcasts an object as its JSON <paramref name="json"/> (protocol.md §3.13) on <paramref name="channel"/> ('' or
        /// null: the lobby): MESSAGE flag bit 2; receivers get it as PeerMessage.Data. Like <see cref="Broadcast(string, string)"/> otherwise.
        /// </summary>
        /// <exception cref="ArgumentException">The JSON does not parse within the bounds receivers enforce, or it is longer than 64,000 UTF-8 bytes; or the channel name is invalid.</exception>
        public PeerMessage BroadcastJson(string json, string channel = null)
        {
            CheckJson(json);
            string name = Protocol.ChannelName.Parse(channel, nameof(channel));
            EnsureRunning();
            return _messaging.Broadcast(json, name, Protocol.MessageFlags.Json);
        }

        /// <summary>Sends an object as its JSON to one node, end-to-end encrypted (<see cref="SendDirect"/>, §3.13).</summary>
        /// <exception cref="ArgumentException">The recipient is unknown or ambiguous, or the JSON is invalid or too long.</exception>
        public PeerMessage SendDirectJson(string recipient, string json)
        {
            CheckJson(json);
            EnsureRunning();
            return _messaging.SendDirect(recipient, json, Protocol.MessageFlags.Json);
        }

        /// <summary>Refuses to send what every receiver would drop.</summary>
        private static void CheckJson(string json)
        {
            if (json == null) throw new ArgumentNullException(nameof(json));
            if (!Content.JsonReader.TryParse(json, out _, out _, out string error)) throw new ArgumentException("The JSON is not valid for an object message: " + error + ".", nameof(json));
        }

        /// <summary>Moves up to <paramref name="max"/> waiting messages into <paramref name="into"/> at once; returns how many.</summary>
        public int Receive(List<PeerMessage> into, int max = int.MaxValue) => _inbox.TakeAvailable(into, max);

        /// <summary>Moves up to <paramref name="max"/> waiting messages that <paramref name="match"/> accepts into <paramref name="into"/>; the others stay, in order.</summary>
        public int Receive(List<PeerMessage> into, int max, Func<PeerMessage, bool> match) => _inbox.TakeAvailable(into, max, match);

        /// <summary>Takes the next message <paramref name="match"/> accepts (others stay for later), waiting up to <paramref name="timeout"/>; null if none came.</summary>
        public PeerMessage Receive(TimeSpan timeout, Func<PeerMessage, bool> match, CancellationToken cancel = default) => _inbox.Take(timeout, cancel, match);

        /// <summary>Takes the next message, waiting up to <paramref name="timeout"/> (Timeout.InfiniteTimeSpan: no limit); null if none came, <paramref name="cancel"/> fired or the node stopped.</summary>
        public PeerMessage Receive(TimeSpan timeout, CancellationToken cancel = default) => _inbox.Take(timeout, cancel);

        /// <summary>The directory: every node this node has heard announce itself (or met in a handshake).</summary>
        public PeerDirectoryEntry[] GetDirectory() => _directory.Snapshot(Name).ToArray();

        /// <summary>Announces this node now (it also happens by itself); false when it has no links to announce on.</summary>
        public bool Announce() => _announcer.Announce();

        private void EnsureRunning()
        {
            if (State != PeerNodeState.Running) throw new InvalidOperationException("The node " + Name + " is stopped. Start a new one with Start-PeerNode.");
        }
    }
}
