using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace PSPeerChat.Settings
{
    /// <summary>
    /// Every fixed tunable of the engine in one place. The settable ones are the node's options (PeerNodeOptions, which
    /// refuses a value that could not take effect with these); these are the others.
    /// </summary>
    internal static class Tunables
    {
        /// <summary>The maintenance loop's period: keepalive, dialling, address requests and announcements run on it.</summary>
        public static readonly TimeSpan MaintenanceTick = TimeSpan.FromSeconds(1);

        // Stopping
        public static readonly TimeSpan StopFlushWait = TimeSpan.FromSeconds(1);
        public static readonly TimeSpan StopLoopWait = TimeSpan.FromSeconds(2);

        // Joining and repair (protocol.md §4.2)
        public const int MaxDialsInFlight = 4;
        public static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(5);
        public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
        public const long AddressRequestIntervalMs = 1000;
        public const long AddressReplyIntervalMs = 800; // shorter than the asking interval, so jitter never makes an honest ask "too soon"
        public const long AddressRefreshMs = 30000;
        /// <summary>How often a node with an address book file saves it (and when it stops).</summary>
        public const long AddressBookSaveIntervalMs = 60000;
        /// <summary>Address book backoff after the first failure; doubles per failure up to MaxBackoffMs.</summary>
        public const int FirstBackoffMs = 500;
        public const int MaxBackoffMs = 10000;
        /// <summary>How long a node that refused us as full is left alone.</summary>
        public const int FullBackoffMs = 30000;
        /// <summary>Failures after which a gossiped address is forgotten.</summary>
        public const int ForgetAfterFailures = 6;
        /// <summary>
        /// Degree bounds (protocol.md §4.2, "Even degree"): above DegreeBoundFactor × TargetPeers PeerChat links a node sheds
        /// inbound links back down to that bound, at most MaxShedsPerTick per maintenance tick, each one registered at
        /// least ShedMinAgeMs (so it had time to ask for addresses); the shed side leaves the shedder alone ShedHoldMs.
        /// </summary>
        public const int DegreeBoundFactor = 2;
        public const int MaxShedsPerTick = 4;
        public const long ShedMinAgeMs = 2000;
        public const long ShedHoldMs = 30000;
        /// <summary>Outbound links (dialled by the node itself) a joining node keeps at least (at most TargetPeers): eclipse resistance.</summary>
        public const int MinOutbound = 2;
        /// <summary>How long a node whose link a user closed (Disconnect-Peer, here or there) is not dialled automatically.</summary>
        public const long UserCloseHoldMs = 5 * 60 * 1000;

        // Links from one remote address, and from one /24 (IPv4) or /48 (IPv6), at most; loopback is not limited (§8.6).
        public const int MaxLinksPerAddress = 4;
        public const int MaxLinksPerNetwork = 8;

        // Lines a plain text peer may send: each becomes a signed message every node verifies (protocol.md §8.6).
        public const double TextLinesPerSecond = 5;
        public const double TextLinesBurst = 20;

        // Reachability: dial-backs (protocol.md §3.11)
        /// <summary>Neighbours asked to dial this node back per round (from different address groups when it has them).</summary>
        public const int DialBackAsks = 2;
        /// <summary>How long an asker waits for the answers of a round (the dial-back itself has DialBackTimeout).</summary>
        public const long DialBackAnswerWaitMs = 30000;
        /// <summary>A round that gave no verdict (no answer, or all refused) is tried again after this.</summary>
        public const long DialBackRetryMs = 2 * 60 * 1000;
        /// <summary>A verdict is checked again after this.</summary>
        public const long DialBackRecheckMs = 30 * 60 * 1000;
        /// <summary>One dial-back per link per this interval; more asks are dropped unanswered (and counted).</summary>
        public const long DialBackPerLinkMs = 60 * 1000;
        /// <summary>Dial-backs under way at once, for all links; beyond it the answer is Refused (and counted).</summary>
        public const int MaxDialBacksInFlight = 4;
        /// <summary>A dial-back that has not seen Noise message 2 by then failed.</summary>
        public static readonly TimeSpan DialBackTimeout = TimeSpan.FromSeconds(5);

        // A remote address this node closed a link to for misbehaviour is refused this long (protocol.md §8.7).
        public static readonly TimeSpan DiscouragementTime = TimeSpan.FromMinutes(10);
        public const int DiscouragedAddressesCapacity = 4096;

        // A link whose send queue stays full this long, with nothing written, is closed: the neighbour does not read.
        public static readonly TimeSpan StalledLinkTimeout = TimeSpan.FromSeconds(10);

        // A plain text peer that sends nothing for this long is dropped (the article's protocol has no keepalive).
        public static readonly TimeSpan TextIdleTimeout = TimeSpan.FromMinutes(10);

        // Announcements (protocol.md §4.3): after a change, announce again, but not more often than this.
        public const long AnnounceGapMs = 2000;
        /// <summary>
        /// Announcements made because a newcomer was heard through the flood: this many at once, and one more per
        /// AnnounceInterval, so a flood of fresh identities cannot make every node announce every 2 s (§4.3).
        /// </summary>
        public const double NewcomerAnswersBurst = 3;

        // Directory (protocol.md §4.3): a node is a newcomer for its first 10 minutes; a newcomer not seen for 10 minutes,
        // or a known node not seen for a day, may make room for another; nothing else can be evicted.
        public static readonly TimeSpan NewcomerTime = TimeSpan.FromMinutes(10);
        public static readonly TimeSpan NewcomerStaleAfter = TimeSpan.FromMinutes(10);
        public static readonly TimeSpan KnownStaleAfter = TimeSpan.FromHours(24);
        /// <summary>What an entry weighs besides its name (two bytes a character): the entry, its key, list and table slots.</summary>
        public const int DirectoryEntryBytes = 384;

        // Replay window (protocol.md §8.3): it never closes below this (or the acceptance window, if shorter), even under a flood.
        public const long MinimumReplayWindowMs = 10000;

        // Per-link flood budgets (protocol.md §8.8): frames from origins this node has not heard before, and DIRECTs.
        public const double NewOriginsPerMinute = 60;
        public const double NewOriginsBurst = 200;
        public const double DirectsPerMinute = 120;
        public const double DirectsBurst = 60;
        public const int KnownOriginsCapacity = 65536;
        public const double AnnouncesPerMinute = 600;
        public const double AnnouncesBurst = 1000;
        public const double OwnAnnouncesPerMinute = 60;
        public const double OwnAnnouncesBurst = 30;

        // History catch-up (protocol.md §3.14, §4.4): entries the store holds at most; what a request asks for; how many
        // requests one link may make (a full 16 MiB sync takes 64 rounds of 256 KiB) and how many rounds a requester runs
        // per link; how often the seen keys are saved beside the identity file.
        public const int HistoryCapacity = 32768;
        public const int HistoryAnswerBytes = 256 * 1024;
        public const double HistoryRequestsBurst = 80;
        public const double HistoryRequestsPerSecond = 0.2;
        public const int HistoryMaxRounds = 80;
        public const long HistorySaveIntervalMs = 60000;

        // Per-link read rates (protocol.md §8.8): over them the link's reader pauses, so its sender is pushed back by TCP.
        public const double ReadFramesPerSecond = 5000;
        public const double ReadFramesBurst = 20000;
        public const double ReadBytesPerSecond = 1024 * 1024;
        public const double ReadBytesBurst = 4 * 1024 * 1024;

        // Fault score (protocol.md §8.7): one point per frame over budget or DIRECT that does not open; halves every minute.
        public const double FaultScoreLimit = 500;
        public static readonly TimeSpan FaultHalfLife = TimeSpan.FromMinutes(1);

        // Proof of work (protocol.md §3.10): a sender gives up on a message whose work takes longer (its signed timestamp
        // ages meanwhile, and the frame must still cross the network within the acceptance window); a gateway holds at
        // most this many of its text peers' lines waiting for their work.
        public static readonly TimeSpan ProofOfWorkTimeLimit = TimeSpan.FromSeconds(60);
        public const int TextLineWorkQueue = 64;

        /// <summary>
        /// Size classes of padded DIRECT bodies (protocol.md §3.9), smallest first: a padded body is the smallest that holds
        /// it; above the last, the next multiple of the last, at most ProtocolLimits.MaxFrameBody. Only senders use them:
        /// a receiver takes any amount of zero padding.
        /// </summary>
        public static readonly IReadOnlyList<int> DirectBodyClasses = new[] { 256, 512, 1024, 2048 };

        // DIRECTs to this node that failed to open, remembered by hash so a repeat is not opened again (protocol.md §8.4).
        public const int FailedFramesCapacity = 4096;

        // Signature checks: verified public keys kept, by node id, so a key is parsed once.
        public const int VerifierKeyCacheCapacity = 4096;

        // Links
        public static readonly TimeSpan CloseLinger = TimeSpan.FromSeconds(2);
        public const int InitialReadBuffer = 4096;
        public static readonly long ReadSliceTicks = Stopwatch.Frequency / 500; // 2 ms of frame handling, then let other links run
        public const int WriteBatchFrames = 256;
        public const int CoalesceLimit = 64 * 1024;

        // LAN discovery (protocol.md §10): UDP multicast announcements on the local network, TTL and hop limit 1.
        public const int LanPort = 55554;
        public const string LanGroupV4 = "239.255.77.77"; // in 239.255.0.0/16, the IPv4 Local Scope (RFC 2365)
        public const string LanGroupV6 = "ff02::77:77"; // ff02::/16, IPv6 link-local scope (RFC 4291); no assigned group uses this id
        /// <summary>A node announces itself at start, then every 30 s (±20 %), every 5 s while it has fewer links than TargetPeers.</summary>
        public const long LanAnnounceIntervalMs = 30000;
        public const long LanShortAnnounceIntervalMs = 5000;
        /// <summary>Announcements taken from all senders together, and from one source address (several nodes may share a host).</summary>
        public const double LanHeardPerSecond = 20;
        public const double LanHeardBurst = 40;
        public const double LanHeardPerSourcePerSecond = 2;
        public const double LanHeardPerSourceBurst = 10;
        /// <summary>Source addresses tracked, candidates held (and per source), and how long an unheard one is kept.</summary>
        public const int LanSourcesCapacity = 64;
        public const int LanCandidatesCapacity = 64;
        public const int LanCandidatesPerSource = 8;
        public const long LanCandidateLifetimeMs = 3 * LanAnnounceIntervalMs;
    }
}
