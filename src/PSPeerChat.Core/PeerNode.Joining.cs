using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Joining;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// Automatic joining and repair (protocol.md §4.2): the address book, asking neighbours for addresses,
    /// dialling towards TargetPeers, keepalive. One maintenance loop per node, ticking once a second.
    /// </summary>
    public sealed partial class PeerNode
    {
        private static readonly TimeSpan MaintenanceTick = TimeSpan.FromSeconds(1);
        private const int MaxDialsInFlight = 4;
        private const long AddressRequestIntervalMs = 1000;
        private const long AddressReplyIntervalMs = 800; // shorter than the asking interval, so jitter never makes an honest ask "too soon"
        private const long AddressRefreshMs = 30000;
        private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(5);

        private readonly CancellationTokenSource _lifetime = new CancellationTokenSource();

        // Released when a link drops, so repair starts at once instead of at the next tick.
        private readonly SemaphoreSlim _kick = new SemaphoreSlim(0, 1);
        private AddressBook _book;
        private Task _maintenance = Task.CompletedTask;
        private int _dialsInFlight;
        private long _lastRefreshMs;
        private long _addressRequestsIgnored;

        /// <summary>A monotonic clock in milliseconds, shared by keepalive and backoff.</summary>
        internal static long NowMs() => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

        /// <summary>GETADDR requests not answered because the neighbour asked again too soon.</summary>
        public long AddressRequestsIgnored => Interlocked.Read(ref _addressRequestsIgnored);

        /// <summary>Links this node keeps by itself (0: automatic dialling is off).</summary>
        public int TargetPeers => Options.TargetPeers;

        /// <summary>The most links this node holds.</summary>
        public int MaxPeers => Options.MaxPeers;

        /// <summary>The address book: every node this node has heard of, with failures and backoff.</summary>
        public PeerAddressEntry[] GetAddressBook() => _book.Snapshot(IsLinked, Name).ToArray();

        /// <summary>
        /// Kills the node without a goodbye, as if its process died: every socket is reset, no CLOSE is sent,
        /// every loop stops. For failure tests and scripted scenarios; use Stop otherwise.
        /// </summary>
        public void Abort()
        {
            if (!BeginStopping(out PeerConnection[] links)) return;
            foreach (PeerConnection link in links) link.Abort();
            WaitForLoops(links);
        }

        private void StartJoining()
        {
            _book = new AddressBook(Options.AddressBookCapacity, NowMs);
            foreach (string address in Options.Bootstrap ?? new string[0])
            {
                if (Options.TargetPeers > 0) _book.AddBootstrap(address.Trim());
                else DialInBackground(address.Trim(), fromBook: false);
            }
            _maintenance = MaintainAsync();
        }

        private async Task MaintainAsync()
        {
            CancellationToken stop = _lifetime.Token;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    Maintain();
                    await _kick.WaitAsync(MaintenanceTick, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // the node stopped
            }
        }

        /// <summary>One tick: keepalive on every link, then dial towards the target or ask for more addresses.</summary>
        private void Maintain()
        {
            long now = NowMs();
            long idleMs = (long)Options.IdleTimeout.TotalMilliseconds;
            long pingMs = (long)Options.KeepaliveInterval.TotalMilliseconds;
            foreach (PeerConnection link in Volatile.Read(ref _links).Cast<PeerConnection>())
            {
                if (link.IsText) continue; // the article's protocol has no keepalive
                if (now - link.LastReceivedMs > idleMs && !link.HasUnreadData)
                {
                    link.Close(CloseReason.ConnectionLost, "nothing received for " + Options.IdleTimeout.TotalSeconds + " s");
                    continue;
                }
                link.PingIfDue(now, pingMs);
            }

            AnnounceIfDue(now);
            if (Options.TargetPeers <= 0 || State != PeerNodeState.Running) return;
            int linked = ProtocolLinkCount; // text peers hold slots but do not relay: they do not count towards the target
            int missing = Options.TargetPeers - linked - Volatile.Read(ref _dialsInFlight);
            // Dial a little more than missing: some addresses are dead, and a link too many costs less than a slow repair.
            int room = Math.Min(missing > 0 ? missing + 1 : 0, MaxDialsInFlight - Volatile.Read(ref _dialsInFlight));
            List<string> candidates = room > 0 ? _book.PickCandidates(room, IsLinked, IsLinkedAddress, NodeId) : new List<string>();
            foreach (string address in candidates) DialInBackground(address, fromBook: true);

            if (linked < Options.TargetPeers && candidates.Count < missing)
            {
                AskForAddresses(now, everyNeighbour: true); // short of addresses: ask every neighbour
            }
            else if (now - _lastRefreshMs > AddressRefreshMs)
            {
                AskForAddresses(now, everyNeighbour: false); // at target: keep the book fresh for later repairs
            }
        }

        private void AskForAddresses(long now, bool everyNeighbour)
        {
            PeerConnection[] links = Volatile.Read(ref _links).Cast<PeerConnection>().Where(l => !l.IsText).ToArray();
            if (links.Length == 0) return;
            _lastRefreshMs = now;
            IEnumerable<PeerConnection> asked = everyNeighbour ? links : new[] { links[(int)(now % links.Length)] };
            foreach (PeerConnection link in asked)
            {
                if (now - link.LastAddressRequestMs < AddressRequestIntervalMs) continue;
                RequestAddresses(link, now);
            }
        }

        private static void RequestAddresses(PeerConnection link, long now)
        {
            link.LastAddressRequestMs = now;
            Interlocked.Exchange(ref link.AwaitingAddresses, 1);
            link.TryEnqueue(new OutboundFrame(AddressFrame.EncodeRequest(), null), 0);
        }

        private int ProtocolLinkCount
        {
            get
            {
                lock (_gate) return _byNodeId.Count;
            }
        }

        private void DialInBackground(string address, bool fromBook)
        {
            Interlocked.Increment(ref _dialsInFlight);
            ConnectAsync(address, PeerProtocol.PeerChat, DialTimeout, _lifetime.Token).ContinueWith(t =>
            {
                Interlocked.Decrement(ref _dialsInFlight);
                if (!fromBook) return;
                if (t.Status == TaskStatus.RanToCompletion)
                {
                    Id128.TryParse(t.Result.Id, out Id128 id);
                    _book.DialSucceeded(address, id);
                }
                else
                {
                    Exception error = t.Exception?.GetBaseException();
                    _book.DialFailed(address, (error as PeerConnectException)?.Reason ?? CloseReason.ConnectionLost);
                }
            }, TaskScheduler.Default);
        }

        /// <summary>How long a node whose link a user closed (Disconnect-Peer, here or there) is not dialled automatically.</summary>
        private const long UserCloseHoldMs = 5 * 60 * 1000;

        /// <summary>A registered link closed: hold its node back if a user asked for it, and repair at once if short of links.</summary>
        private void OnLinkLost(PeerConnection link)
        {
            if (link.Peer.CloseReason == CloseReason.UserRequest && !link.IsText)
            {
                _book.Hold(link.RemoteId, link.ListenEndPoint == null ? null : PeerConnection.FormatEndPoint(link.ListenEndPoint), UserCloseHoldMs);
            }
            KickMaintenance();
        }

        /// <summary>A link dropped: run the maintenance now if the node is short of links.</summary>
        private void KickMaintenance()
        {
            if (Options.TargetPeers <= 0 || State != PeerNodeState.Running) return;
            try
            {
                if (_kick.CurrentCount == 0) _kick.Release();
            }
            catch (SemaphoreFullException)
            {
                // already kicked
            }
        }

        /// <summary>A new PeerChat link: remember where its node listens, and ask it for more when we are short.</summary>
        private void OnLinkRegistered(PeerConnection link)
        {
            Interlocked.Exchange(ref link.AwaitingAddresses, 0);
            if (link.IsText || link.ListenEndPoint == null) return;
            _book.Learn(PeerConnection.FormatEndPoint(link.ListenEndPoint), link.RemoteId, "Connected", neighbourOfNeighbour: false);
            if (Options.TargetPeers > 0 && ProtocolLinkCount < Options.TargetPeers) RequestAddresses(link, NowMs());
        }

        /// <summary>GETADDR: answer with a bounded sample, at most once a second per neighbour.</summary>
        internal void OnAddressRequest(PeerConnection link)
        {
            long now = NowMs();
            if (now - link.LastAddressReplyMs < AddressReplyIntervalMs)
            {
                Interlocked.Increment(ref _addressRequestsIgnored);
                return;
            }
            link.LastAddressReplyMs = now;
            link.TryEnqueue(new OutboundFrame(CreateAddressReply(link), null), 0);
        }

        /// <summary>
        /// An ADDR frame for <paramref name="requester"/>: our neighbours first (flagged, they are one hop from us),
        /// then a random sample of the book; never the requester itself, never the whole book.
        /// </summary>
        internal byte[] CreateAddressReply(PeerConnection requester)
        {
            var records = new List<AddressRecord>(AddressFrame.RecordsPerReply);
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (requester.ListenEndPoint != null) used.Add(PeerConnection.FormatEndPoint(requester.ListenEndPoint));
            var random = new Random();
            foreach (PeerConnection link in Volatile.Read(ref _links).Cast<PeerConnection>().OrderBy(_ => random.Next()))
            {
                if (records.Count >= AddressFrame.RecordsPerReply * 3 / 4) break;
                if (link == requester || link.IsText || link.ListenEndPoint == null || link.RemoteId == requester.RemoteId) continue;
                if (used.Add(PeerConnection.FormatEndPoint(link.ListenEndPoint))) records.Add(new AddressRecord(link.ListenEndPoint, link.RemoteId, isNeighbour: true));
            }
            foreach (Tuple<string, Id128> entry in _book.Sample(AddressFrame.RecordsPerReply, used.Contains))
            {
                if (records.Count >= AddressFrame.RecordsPerReply) break;
                if (entry.Item2 == requester.RemoteId || !TryParseEndPoint(entry.Item1, out IPEndPoint endPoint)) continue;
                if (used.Add(entry.Item1)) records.Add(new AddressRecord(endPoint, entry.Item2, isNeighbour: false));
            }
            return AddressFrame.Encode(records);
        }

        /// <summary>
        /// ADDR: learn the addresses, but only in answer to our GETADDR (or a full node's refusal): unasked lists
        /// could flood the book with addresses of an attacker's choice. Never our own id; loopback addresses only
        /// from a loopback neighbour; nothing that cannot be a node (unspecified, multicast, broadcast).
        /// </summary>
        internal void OnAddresses(PeerConnection link, List<AddressRecord> records)
        {
            if (Interlocked.Exchange(ref link.AwaitingAddresses, 0) == 0) return;
            bool fromLoopback = link.RemoteEndPoint != null && IPAddress.IsLoopback(Unmap(link.RemoteEndPoint.Address));
            foreach (AddressRecord record in records)
            {
                if (record.NodeId == NodeId) continue;
                IPAddress ip = Unmap(record.EndPoint.Address);
                if (!IsDialable(ip) || (IPAddress.IsLoopback(ip) && !fromLoopback)) continue;
                _book.Learn(PeerConnection.FormatEndPoint(new IPEndPoint(ip, record.EndPoint.Port)), record.NodeId, "Gossip", record.IsNeighbour);
            }
        }

        private static IPAddress Unmap(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

        private static bool IsDialable(IPAddress ip)
        {
            if (ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6None) || ip.IsIPv6Multicast) return false;
            if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                byte[] b = ip.GetAddressBytes();
                if (b[0] == 0 || b[0] >= 224) return false; // 0.0.0.0/8, multicast, reserved and broadcast
            }
            return true;
        }

        private bool IsLinked(Id128 id)
        {
            lock (_gate) return _byNodeId.ContainsKey(id);
        }

        private bool IsLinkedAddress(string address)
        {
            foreach (PeerConnection link in Volatile.Read(ref _links).Cast<PeerConnection>())
            {
                if (link.ListenEndPoint != null && string.Equals(PeerConnection.FormatEndPoint(link.ListenEndPoint), address, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        private static bool TryParseEndPoint(string address, out IPEndPoint endPoint)
        {
            endPoint = null;
            if (!PeerAddress.TryParse(address, out PeerAddress parsed, out _) || !IPAddress.TryParse(parsed.Host, out IPAddress ip)) return false;
            endPoint = new IPEndPoint(ip, parsed.Port);
            return true;
        }
    }
}
