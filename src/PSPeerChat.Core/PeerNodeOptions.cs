using System;
using System.Linq;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>Settings of a node; defaults are those of docs/protocol.md.</summary>
    public sealed class PeerNodeOptions
    {
        /// <summary>The article's port, where the first node of a machine listens.</summary>
        public const int DefaultPort = 55555;

        /// <summary>How many ports after the default are tried when it is taken.</summary>
        public const int PortFallForwardRange = 100;

        /// <summary>Display name; null picks "user-port".</summary>
        public string Name { get; set; }

        /// <summary>Port to listen on; 0 lets the OS choose. With <see cref="FallForward"/>, the next free port is taken when busy.</summary>
        public int Port { get; set; } = DefaultPort;

        /// <summary>Walk forward from <see cref="Port"/> while ports are taken (the article's behaviour for the default port).</summary>
        public bool FallForward { get; set; } = true;

        /// <summary>Address to listen on; null or "::" listens dual-stack on every interface.</summary>
        public string ListenAddress { get; set; }

        /// <summary>
        /// Messages kept for Receive-PeerMessage; when full, the oldest message of the sender holding the most bytes is
        /// dropped (and counted), so one flooding sender pushes out its own messages (protocol.md §8.9).
        /// </summary>
        public int InboxCapacity { get; set; } = 10000;

        /// <summary>
        /// Bytes the waiting messages may hold at most (their text at two bytes a character, plus about 200 each); messages
        /// are dropped (and counted) to make room as for InboxCapacity, so long texts cannot fill memory (protocol.md §6).
        /// </summary>
        public long InboxBytes { get; set; } = 32L * 1024 * 1024;

        /// <summary>Events (MessageReceived, PeerConnected, PeerDisconnected) waiting for slow handlers before new ones are dropped and counted.</summary>
        public int EventQueueCapacity { get; set; } = 10000;

        /// <summary>Bytes the waiting events may hold at most (a MessageReceived weighs its message, as in the inbox).</summary>
        public long EventQueueBytes { get; set; } = 32L * 1024 * 1024;

        /// <summary>Frames queued per link before relays to it are dropped (and counted).</summary>
        public int SendQueueCapacity { get; set; } = 4096;

        /// <summary>Bytes queued per link at most (frames are shared between links, so this bounds the worst case, not the usual).</summary>
        public int SendQueueBytes { get; set; } = 8 * 1024 * 1024;

        /// <summary>How long a local send waits for room in a full link queue before dropping for that link.</summary>
        public TimeSpan SendWait { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Message ids remembered at most (protocol.md §4).</summary>
        public int SeenCacheCapacity { get; set; } = 65536;

        /// <summary>
        /// How long a message id is remembered at most (protocol.md §4): at least HistoryWindow + MaxClockSkew, so a
        /// caught-up frame is refused as a duplicate for as long as it could be accepted (§8.3).
        /// </summary>
        public TimeSpan SeenCacheLifetime { get; set; } = TimeSpan.FromMinutes(31);

        /// <summary>
        /// How far back the node keeps the broadcasts and direct messages it accepted, by their send time, to hand them to
        /// neighbours that missed them when a link comes up (protocol.md §3.14, §4.4); caught-up messages are accepted
        /// this far back. Zero turns history off: nothing kept, nothing asked, requests refused.
        /// </summary>
        public TimeSpan HistoryWindow { get; set; } = TimeSpan.FromMinutes(30);

        /// <summary>Bytes the history may hold at most (frames plus about 96 bytes an entry); the oldest go first.</summary>
        public long HistoryBytes { get; set; } = 16L * 1024 * 1024;

        /// <summary>The smallest and largest HistoryBytes: room for one largest frame, and no more than 1 GiB.</summary>
        internal const long MinHistoryBytes = 128 * 1024;
        internal const long MaxHistoryBytes = 1024L * 1024 * 1024;

        /// <summary>Hop limit put on messages this node originates.</summary>
        public byte HopLimit { get; set; } = ProtocolLimits.DefaultHopLimit;

        /// <summary>Time allowed for the handshake of a new link (HELLO, Noise XX, INTRO; protocol.md §3.1).</summary>
        public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// How long an inbound link may stay silent before it is taken for a plain text peer (the article's node and nc
        /// send nothing until their user types; a PSPeerChat dialer sends HELLO at once).
        /// </summary>
        public TimeSpan ProtocolDetectTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

        /// <summary>
        /// PeerChat links this node holds at most; further links are refused with reason Full, and the refused node is
        /// handed other addresses (protocol.md §4.2). Inbound links leave TargetPeers of them (at most half) to this
        /// node's own dials, so strangers cannot take every slot (§8.6). Text peers are counted apart (MaxTextPeers).
        /// </summary>
        public int MaxPeers { get; set; } = 32;

        /// <summary>
        /// Plain text peers (the article's node, nc) this node holds at most, apart from <see cref="MaxPeers"/>: text
        /// peers never take the slots of PeerChat links (protocol.md §8.6).
        /// </summary>
        public int MaxTextPeers { get; set; } = 8;

        /// <summary>
        /// Inbound connections still in their handshake (or not yet known as text) at most; further ones are closed at once,
        /// so connections that never finish cannot pile up (protocol.md §8.6).
        /// </summary>
        public int MaxPendingLinks { get; set; } = 16;

        /// <summary>Links the node keeps by dialling addresses from its book; 0 turns automatic dialling off (fixed topologies).</summary>
        public int TargetPeers { get; set; } = 5;

        /// <summary>Addresses to join through (host:port). With TargetPeers 0 they are dialled once at start, else kept and retried with backoff.</summary>
        public string[] Bootstrap { get; set; } = new string[0];

        /// <summary>A PING goes out on each PeerChat link this often.</summary>
        public TimeSpan KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>A PeerChat link that has received nothing (not even a PONG) for this long is dropped as dead.</summary>
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Addresses remembered at most.</summary>
        public int AddressBookCapacity { get; set; } = 1000;

        /// <summary>File holding the node's keys; loaded when it exists, created (owner-only) when not. Null: a new identity for this run.</summary>
        public string IdentityPath { get; set; }

        /// <summary>
        /// Where the address book is kept across restarts (protocol.md §4.2), so a restarted node dials its known-good
        /// neighbours first. Unset: beside the identity file when there is one (its name with ".addresses"), else the
        /// book lives in memory only.
        /// </summary>
        public string AddressBookPath { get; set; }

        /// <summary>AddressBookPath, or the file beside IdentityPath, or null.</summary>
        internal string EffectiveAddressBookPath
        {
            get
            {
                if (!string.IsNullOrEmpty(AddressBookPath)) return AddressBookPath;
                if (string.IsNullOrEmpty(IdentityPath)) return null;
                string full = System.IO.Path.GetFullPath(IdentityPath);
                return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full), System.IO.Path.GetFileNameWithoutExtension(full) + ".addresses");
            }
        }

        /// <summary>The seen-keys file beside IdentityPath (history kept across restarts), or null without an identity file or history.</summary>
        internal string EffectiveSeenKeysPath => string.IsNullOrEmpty(IdentityPath) || HistoryWindow <= TimeSpan.Zero ? null : History.SeenKeysFile.PathBeside(IdentityPath);

        /// <summary>Signed frames older than this (by their origin's clock) are refused as replays (protocol.md §8.3).</summary>
        public TimeSpan AcceptanceWindow { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>How far in the future an origin's timestamp may be (clocks differ a little).</summary>
        public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How often a node announces itself to the network even when nothing changed.</summary>
        public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromMinutes(1);

        /// <summary>
        /// Proof of work, in hashes per byte (protocol.md §3.10): 0 (the default) turns it off. Above 0 the node proves every
        /// broadcast and direct message it sends with on average ProofOfWork × (frame bytes + 1000) SHA-256 hashes, and drops,
        /// before the signature check and before relaying, every one it receives that carries less.
        /// </summary>
        public int ProofOfWork { get; set; }

        /// <summary>
        /// Pads every direct message this node sends to a size class (protocol.md §3.9): the frame is 256, 512, 1024 or
        /// 2048 bytes, or a multiple of 2048 above, so whoever watches a link or relays it cannot tell the text's length,
        /// only its class. True by default; false sends frames exactly as long as their text needs. Either way the node
        /// reads padded and unpadded direct messages alike.
        /// </summary>
        public bool PadDirectMessages { get; set; } = true;

        /// <summary>
        /// Nodes remembered in the directory at most. When it is full, only a node not heard of for a while makes room
        /// (a newcomer after 10 minutes, a known node after a day); newcomers never push anyone out (protocol.md §4.3).
        /// </summary>
        public int DirectoryCapacity { get; set; } = 10000;

        /// <summary>
        /// Bytes the directory may hold at most (an entry weighs 384 plus two a character of its name), bounding it as
        /// DirectoryCapacity does; the default holds 10,000 entries with the longest names.
        /// </summary>
        public long DirectoryBytes { get; set; } = 5L * 1024 * 1024;

        /// <summary>
        /// Announces the node on the local network and dials the nodes heard there, within TargetPeers (protocol.md §10):
        /// UDP multicast to 239.255.77.77 and ff02::77:77, port 55554, sent no further than the local link. Off by default,
        /// so a node started by a script or a test joins only the network it is given and shows itself to no one else.
        /// </summary>
        public bool LanDiscovery { get; set; }

        /// <summary>
        /// The channels this node delivers besides the lobby, which it always delivers (protocol.md §3.12): names
        /// (joined at the start, like Join-PeerChannel without a passphrase) and patterns with * ? [ ] (case-insensitive).
        /// Default '*': every public channel. Messages of other channels are still relayed, only not delivered
        /// (counted in ChannelFiltered); a sealed message is delivered only on a channel joined with its passphrase.
        /// </summary>
        public string[] Channels { get; set; } = { "*" };

        /// <summary>
        /// Answers network maps (Get-PeerNetwork, protocol.md §11) without telling this node's links: the report says it
        /// declines. Reach tests (Test-PeerNetwork) are answered with a receipt as usual. Off by default.
        /// </summary>
        public bool DeclineNetworkProbes { get; set; }

        /// <summary>
        /// Benchmark switch only (internal, set by bench/PSPeerChat.Bench through InternalsVisibleTo): false sends
        /// broadcasts with an empty signature and skips their verification, to show what the transport costs without
        /// cryptography. Every node of such a network must use it; never in real use.
        /// </summary>
        internal bool SignMessages { get; set; } = true;

        /// <summary>
        /// Simulation switch only: false keeps the node from announcing itself (its neighbours still learn it from the
        /// handshake). A network of a thousand nodes in one test process cannot afford every node's announcement
        /// checked by every other node.
        /// </summary>
        internal bool Announcements { get; set; } = true;

        /// <summary>An identity to use instead of IdentityPath (tests, embedding).</summary>
        internal Identity.NodeIdentity Identity { get; set; }

        /// <summary>Where the node listens and dials; null: TCP. Tests give a MemoryNetwork.</summary>
        internal ILinkNetwork Network { get; set; }

        /// <summary>Opens LAN discovery's channels; null: UDP multicast (UdpLanChannel). Tests give memory channels.</summary>
        internal Func<System.Collections.Generic.IReadOnlyList<ILanChannel>> LanChannels { get; set; }

        /// <summary>The node's clock for every timer, timeout and timestamp; null: the system's. Tests give a FakeTimeProvider.</summary>
        internal TimeProvider Clock { get; set; }

        internal PeerNodeOptions Clone()
        {
            var copy = (PeerNodeOptions)MemberwiseClone();
            copy.Channels = (string[])Channels?.Clone();
            return copy;
        }

        /// <summary>Refuses settings that are invalid or could not take effect, with a message that says what to change.</summary>
        internal void Validate()
        {
            if (Name != null)
            {
                if (Name.Trim().Length == 0) throw new ArgumentException("The node name is empty.", nameof(Name));
                if (Utf8.Strict.GetByteCount(Name) > ProtocolLimits.MaxNameBytes)
                    throw new ArgumentException("The node name '" + Name + "' is longer than " + ProtocolLimits.MaxNameBytes + " UTF-8 bytes.", nameof(Name));
                if (Name.Any(Utf8.IsUnsafeInName)) throw new ArgumentException("The node name contains control, format or bidi characters (they could make it look like another name); use visible characters only.", nameof(Name));
            }
            if (Port < 0 || Port > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be between 0 and 65535.");
            if (InboxCapacity < 1) throw new ArgumentOutOfRangeException(nameof(InboxCapacity), "The inbox capacity must be at least 1.");
            if (InboxBytes < 1) throw new ArgumentOutOfRangeException(nameof(InboxBytes), "The inbox byte limit must be at least 1.");
            if (EventQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(EventQueueCapacity), "The event queue must hold at least 1 event.");
            if (EventQueueBytes < 1) throw new ArgumentOutOfRangeException(nameof(EventQueueBytes), "The event queue byte limit must be at least 1.");
            if (SendQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(SendQueueCapacity), "The send queue capacity must be at least 1.");
            if (SendQueueBytes < 1) throw new ArgumentOutOfRangeException(nameof(SendQueueBytes), "The send queue byte limit must be at least 1.");
            if (SeenCacheCapacity < 1) throw new ArgumentOutOfRangeException(nameof(SeenCacheCapacity), "The seen cache needs room for at least one message id.");
            if (SeenCacheLifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SeenCacheLifetime), "SeenCacheLifetime must be positive.");
            if (DirectoryCapacity < 1) throw new ArgumentOutOfRangeException(nameof(DirectoryCapacity), "The directory needs room for at least one node.");
            long heaviestEntry = Tunables.DirectoryEntryBytes + 2L * ProtocolLimits.MaxNameBytes;
            if (DirectoryBytes < heaviestEntry) throw new ArgumentOutOfRangeException(nameof(DirectoryBytes), DirectoryBytes, "The directory needs room for at least one node with the longest name (" + heaviestEntry + " bytes).");
            if (ProofOfWork < 0 || ProofOfWork > Protocol.ProofOfWork.MaxDifficulty)
                throw new ArgumentOutOfRangeException(nameof(ProofOfWork), ProofOfWork, "ProofOfWork must be between 0 (off) and " + Protocol.ProofOfWork.MaxDifficulty + " hashes per byte.");
            if (HopLimit < 1) throw new ArgumentOutOfRangeException(nameof(HopLimit), "The hop limit must be at least 1.");
            if (MaxPeers < 1) throw new ArgumentOutOfRangeException(nameof(MaxPeers), "MaxPeers must be at least 1.");
            if (MaxTextPeers < 0) throw new ArgumentOutOfRangeException(nameof(MaxTextPeers), "MaxTextPeers must be 0 (no text peers) or more.");
            if (MaxPendingLinks < 1) throw new ArgumentOutOfRangeException(nameof(MaxPendingLinks), "MaxPendingLinks must be at least 1, or no inbound link could ever start.");
            if (AcceptanceWindow <= TimeSpan.Zero || MaxClockSkew < TimeSpan.Zero || AcceptanceWindow + MaxClockSkew > SeenCacheLifetime)
                throw new ArgumentOutOfRangeException(nameof(AcceptanceWindow), "AcceptanceWindow + MaxClockSkew must fit in SeenCacheLifetime, or a replay could outlive the memory of the first copy.");
            if (HistoryWindow != TimeSpan.Zero && (HistoryWindow < TimeSpan.FromMinutes(1) || HistoryWindow > TimeSpan.FromDays(1)))
                throw new ArgumentOutOfRangeException(nameof(HistoryWindow), HistoryWindow, "HistoryWindow must be 0 (history off) or between 1 minute and 1 day, for example '00:30:00' or (New-TimeSpan -Minutes 30).");
            if (HistoryWindow > TimeSpan.Zero && HistoryWindow + MaxClockSkew > SeenCacheLifetime)
                throw new ArgumentOutOfRangeException(nameof(HistoryWindow), HistoryWindow, "HistoryWindow + MaxClockSkew must fit in SeenCacheLifetime (" + SeenCacheLifetime + "), or a caught-up frame could outlive the memory of the first copy; shorten HistoryWindow or lengthen SeenCacheLifetime.");
            if (HistoryBytes < MinHistoryBytes || HistoryBytes > MaxHistoryBytes)
                throw new ArgumentOutOfRangeException(nameof(HistoryBytes), HistoryBytes, "HistoryBytes must be between " + MinHistoryBytes + " (128 KiB) and " + MaxHistoryBytes + " (1 GiB).");
            // Keepalive and announcements run at the maintenance tick: a shorter interval could not take effect.
            if (KeepaliveInterval < Tunables.MaintenanceTick)
                throw new ArgumentOutOfRangeException(nameof(KeepaliveInterval), KeepaliveInterval, "KeepaliveInterval must be at least " + Tunables.MaintenanceTick.TotalSeconds + " s: PINGs go out at the node's maintenance tick, once a second.");
            if (AnnounceInterval < Tunables.MaintenanceTick)
                throw new ArgumentOutOfRangeException(nameof(AnnounceInterval), AnnounceInterval, "AnnounceInterval must be at least " + Tunables.MaintenanceTick.TotalSeconds + " s: announcements go out at the node's maintenance tick, once a second.");
            // The idle check also runs at the tick: the timeout must leave room for a PING and its PONG in between.
            if (IdleTimeout < KeepaliveInterval + Tunables.MaintenanceTick)
                throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "IdleTimeout must be at least KeepaliveInterval + " + Tunables.MaintenanceTick.TotalSeconds + " s (the maintenance tick), or quiet healthy links are dropped.");
            if (HandshakeTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "HandshakeTimeout must be positive.");
            if (ProtocolDetectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ProtocolDetectTimeout), ProtocolDetectTimeout, "ProtocolDetectTimeout must be positive.");
            if (AddressBookCapacity < 1) throw new ArgumentOutOfRangeException(nameof(AddressBookCapacity), "The address book needs room for at least one address.");
            if (TargetPeers < 0 || TargetPeers > MaxPeers) throw new ArgumentOutOfRangeException(nameof(TargetPeers), "TargetPeers must be between 0 and MaxPeers (" + MaxPeers + ").");
            foreach (string channel in Channels ?? new string[0])
            {
                try
                {
                    if (!ChannelPattern.Parse(channel).HasWildcards) ChannelName.Parse(channel, nameof(Channels));
                }
                catch (ArgumentException ex) when (ex.ParamName != nameof(Channels))
                {
                    throw new ArgumentException(ex.Message.Replace(" (Parameter '" + ex.ParamName + "')", string.Empty), nameof(Channels));
                }
            }
            foreach (string address in Bootstrap ?? new string[0])
            {
                if (!PeerAddress.TryParse(address, out _, out string error)) throw new ArgumentException("Bootstrap address: " + error, nameof(Bootstrap));
            }
        }
    }
}
