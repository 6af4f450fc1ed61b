using System;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Joining;
using PSPeerChat.Links;
using PSPeerChat.Settings;
using PSPeerChat.Timing;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// A node's maintenance loop, one per node, ticking every <see cref="Tunables.MaintenanceTick"/> of the node's clock
    /// (or at once when a link drops, or a dial was refused with addresses to try): keepalive, announcements, dialling
    /// towards TargetPeers, asking for addresses, shedding links above the upper bound (<see cref="Shedder"/>), asking
    /// to be dialled back when a reachability check is due.
    /// </summary>
    internal sealed class Maintenance
    {
        private readonly PeerNode _node;
        private readonly LinkTable _links;
        private readonly AddressBook _book;
        private readonly AddressExchange _exchange;
        private readonly Announcer _announcer;
        private readonly Dialler _dialler;
        private readonly Shedder _shedder;
        private readonly TimeProvider _clock;
        private readonly CancellationTokenSource _lifetime = new CancellationTokenSource();
        // Released when a link drops, so repair starts at once instead of at the next tick.
        private readonly SemaphoreSlim _kick = new SemaphoreSlim(0, 1);
        private Task _loop = Task.CompletedTask;
        private long _ticks;

        public Maintenance(PeerNode node, LinkTable links, AddressBook book, AddressExchange exchange, Announcer announcer, Func<string, CancellationToken, Task<Link>> dial, TimeProvider clock)
        {
            _node = node;
            _links = links;
            _book = book;
            _exchange = exchange;
            _announcer = announcer;
            _clock = clock;
            _dialler = new Dialler(book, dial, _lifetime.Token, refused: Kick);
            _shedder = new Shedder(exchange, node.Stats);
        }

        private PeerNodeOptions Options => _node.Options;

        /// <summary>Ticks run so far (tests that advance the clock wait for the next one).</summary>
        public long Ticks => Interlocked.Read(ref _ticks);

        /// <summary>Ends when the loop has stopped.</summary>
        public Task Completion => _loop;

        /// <summary>Cancelled when the node stops: dials under way give up.</summary>
        public CancellationToken Stopping => _lifetime.Token;

        /// <summary>Takes the bootstrap addresses (kept and retried, or dialled once with TargetPeers 0) and starts ticking.</summary>
        public void Start()
        {
            foreach (string address in Options.Bootstrap ?? new string[0])
            {
                if (Options.TargetPeers > 0) _book.AddBootstrap(address.Trim());
                else _dialler.Dial(address.Trim(), fromBook: false);
            }
            _loop = LoopAsync();
        }

        public void Stop() => _lifetime.Cancel();

        /// <summary>A new PeerChat link: its address goes to the book, and it is asked for more when we are short.</summary>
        public void OnLinkRegistered(Link link)
        {
            _exchange.OnLinkRegistered(link);
            if (!link.IsText && Options.TargetPeers > 0 && _links.ProtocolLinkCount < Options.TargetPeers) _exchange.Ask(link, _clock.NowMs());
        }

        /// <summary>
        /// A registered link closed: hold its node back if a user asked for it, or if it shed us (after learning the
        /// addresses it gave), and repair at once.
        /// </summary>
        public void OnLinkLost(Link link)
        {
            if (link.CloseReason == CloseReason.UserRequest && !link.IsText)
            {
                _book.Hold(link.RemoteId, link.ListenEndPoint == null ? null : EndPoints.Format(link.ListenEndPoint), Tunables.UserCloseHoldMs);
            }
            if (link.CloseReason == CloseReason.Shed && !link.IsText)
            {
                // Not a failure of the address: the node is well linked and sent us elsewhere. Dial those addresses, not
                // it. The shedder does not hold the node it shed: it dials only for its target or its outbound share,
                // and an outbound link is never shed, so that cannot go round.
                if (!link.Addresses.ShedByUs)
                {
                    _exchange.LearnShedAddresses(link);
                    _book.Hold(link.RemoteId, link.ListenEndPoint == null ? null : EndPoints.Format(link.ListenEndPoint), Tunables.ShedHoldMs);
                }
            }
            if (Options.TargetPeers <= 0 || _node.State != PeerNodeState.Running) return;
            Kick();
        }

        /// <summary>Runs the loop at once instead of at the next tick (kicks while one is pending make one run).</summary>
        private void Kick()
        {
            try
            {
                if (_kick.CurrentCount == 0) _kick.Release();
            }
            catch (SemaphoreFullException)
            {
                // already kicked
            }
        }

        private async Task LoopAsync()
        {
            CancellationToken stop = _lifetime.Token;
            Task kicked = null;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    Tick();
                    using (var tick = CancellationTokenSource.CreateLinkedTokenSource(stop))
                    {
                        kicked = kicked == null || kicked.IsCompleted ? _kick.WaitAsync(stop) : kicked;
                        Task delay = _clock.Delay(Tunables.MaintenanceTick, tick.Token);
                        await Task.WhenAny(kicked, delay).ConfigureAwait(false);
                        tick.Cancel(); // the tick's timer goes with it
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // the node stopped
            }
        }

        /// <summary>One tick: keepalive on every link, announcements, then dial towards the target or ask for more addresses.</summary>
        private void Tick()
        {
            long now = _clock.NowMs();
            try
            {
                int stalled = Keepalive.Tick(_links.Registered, now, Options.KeepaliveInterval, Options.IdleTimeout, Tunables.TextIdleTimeout, Tunables.StalledLinkTimeout);
                for (int i = 0; i < stalled; i++) _node.Stats.StalledLinkClosed();
                if (Options.Announcements) _announcer.AnnounceIfDue(now);
                if (Options.TargetPeers > 0 && _node.State == PeerNodeState.Running)
                {
                    Join(now);
                    _shedder.ShedIfAbove(_links.Registered, Options.TargetPeers, now, _clock.GetUtcNow().UtcTicks);
                }
                if (_node.State == PeerNodeState.Running) _node.CheckReachabilityIfDue(now);
                _node.SaveAddressBookIfDue(now);
                _node.SaveHistoryIfDue(now);
            }
            finally
            {
                Interlocked.Increment(ref _ticks);
            }
        }

        /// <summary>
        /// Dials towards the target (and towards MinOutbound links of our own choosing, even when inbound links alone
        /// reach the target), or asks for more addresses when short of them.
        /// </summary>
        private void Join(long now)
        {
            int linked = _links.ProtocolLinkCount; // text peers hold slots but do not relay: they do not count towards the target
            int outbound = _links.OutboundLinkCount;
            int belowTarget = Options.TargetPeers - linked;
            int missing = Math.Max(belowTarget, Math.Min(Tunables.MinOutbound, Options.TargetPeers) - outbound) - _dialler.InFlight;
            // A spare dial only towards the target: a node at its target dialling for outbound links adds exactly those.
            int candidates = _dialler.DialTowards(missing, _node.NodeId, _links.IsLinked, _links.IsLinkedAddress, spare: belowTarget > 0);
            _exchange.AskIfDue(now, everyNeighbour: linked < Options.TargetPeers && candidates < missing);
        }
    }
}
