using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Transport;
using PSPeerChat.Identity;

namespace PSPeerChat.Links
{
    /// <summary>
    /// One link to a neighbour: its life (handshaking, connected, closed with a reason) and its parts. The pump moves
    /// bytes (one reader loop, one writer loop, a bounded send queue between the node and the writer), the session
    /// speaks the PeerChat handshake and control frames, the text reader serves the article's line protocol. Bytes from
    /// the neighbour are untrusted: every frame and line is bounded, and anything malformed closes this link only.
    /// </summary>
    internal sealed class Link : ILink
    {
        private readonly ILinkHost _host;
        private readonly LinkPump _pump;
        private readonly LinkSession _session;
        private readonly TaskCompletionSource<Link> _handshake = new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _protocol;
        private int _state;
        private int _closeReason;
        private string _closeDetail = string.Empty;
        private long _connectedAtTicks;
        private int _misbehaved;

        /// <param name="dialBack">An outbound probe for a neighbour's DIALBACK: it ends at Noise message 2 (protocol.md §3.11).</param>
        public Link(ILinkHost host, ILinkTransport transport, PeerDirection direction, PeerProtocol protocol, bool dialBack = false)
        {
            _host = host;
            Direction = direction;
            IsDialBack = dialBack && direction == PeerDirection.Outbound;
            _protocol = (int)protocol;
            RemoteEndPoint = transport.RemoteEndPoint;
            Address = EndPoints.Format(RemoteEndPoint);
            Addresses = new AddressExchangeState(expecting: direction == PeerDirection.Outbound);
            Budgets = new LinkBudgets(host.Clock, host.Settings.TextLinesPerSecond, host.Settings.TextLinesBurst);
            _pump = new LinkPump(this, transport, host.Settings, host.Clock, host.Stats);
            if (protocol == PeerProtocol.Text) _pump.SwitchToTextLines(); // dialled as text (Connect-Peer -Protocol Text)
            _session = new LinkSession(this, host, _pump);
            _connectedAtTicks = host.Clock.GetUtcNow().UtcTicks;
            _handshake.Task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }

        public PeerDirection Direction { get; }

        public PeerProtocol Protocol => (PeerProtocol)Volatile.Read(ref _protocol);

        /// <summary>
        /// A dial-back probe (protocol.md §3.11): its handshake completes as soon as Noise message 2 proves who listens
        /// at the address, then it closes (CloseReason DialBack); it never sends INTRO and never registers.
        /// </summary>
        public bool IsDialBack { get; }

        public bool IsText => Protocol == PeerProtocol.Text;

        /// <summary>The neighbour's end of the transport, host:port.</summary>
        public string Address { get; }

        public IPEndPoint RemoteEndPoint { get; }

        /// <summary>The neighbour's node id once its Noise identity verified (empty for text peers).</summary>
        public Id128 RemoteId => _session.Handshake.RemoteId;

        /// <summary>The neighbour as the user sees it: its node id in hex once its identity verified, else (text peers) its address.</summary>
        public string RemoteLabel => _session.Handshake.RemoteIdText ?? Address;

        /// <summary>The name from the neighbour's INTRO; null before it (and for text peers).</summary>
        public string RemoteName => _session.Handshake.RemoteName;

        /// <summary>The direct-message key from the neighbour's Noise identity payload; null before it.</summary>
        public byte[] RemoteEncryptionKey => _session.Handshake.RemoteEncryptionKey;

        /// <summary>Where the neighbour listens (its address as we see it, the port from its INTRO); null if it does not.</summary>
        public IPEndPoint ListenEndPoint => _session.Handshake.ListenEndPoint;

        /// <summary>
        /// True when we dialled this link and its neighbour says it listens at the port we dialled: the link itself is
        /// the proof that its listen address answers (protocol.md §3.11). Inbound links need a dial-back for that.
        /// </summary>
        public bool ListensWhereDialled => Direction == PeerDirection.Outbound && ListenEndPoint != null && RemoteEndPoint != null && ListenEndPoint.Port == RemoteEndPoint.Port;

        /// <summary>Chosen by the dialler, echoed by the acceptor: with the dialler's id it orders duplicate links (protocol.md §3.1).</summary>
        public ulong LinkToken => _session.Handshake.LinkToken;

        /// <summary>True once every frame of the link travels in Noise records (protocol.md §9.4); never for text peers.</summary>
        public bool IsEncrypted => !IsText && _session.Handshake.IsEncrypted;

        /// <summary>The handshake the link uses (protocol.md §9), or "none" for a plain text peer.</summary>
        public string HandshakeName => IsText ? "none" : LinkHandshake.Name;

        /// <summary>When the link was made, then when it was registered.</summary>
        public DateTimeOffset ConnectedAt => new DateTimeOffset(Interlocked.Read(ref _connectedAtTicks), TimeSpan.Zero).ToLocalTime();

        public PeerState State => (PeerState)Volatile.Read(ref _state);

        public CloseReason CloseReason => (CloseReason)Volatile.Read(ref _closeReason);

        public string CloseDetail => Volatile.Read(ref _closeDetail);

        public LinkCounters Counters { get; } = new LinkCounters();

        public AddressExchangeState Addresses { get; }

        /// <summary>What the neighbour may make this node do: read rates, flood budgets, fault score (used from this link's reader only).</summary>
        public LinkBudgets Budgets { get; }

        /// <summary>The lines a text peer may still send now.</summary>
        public TokenBucket TextLines => Budgets.TextLines;

        public bool TrySpend(FloodBudget kind) => Budgets.TrySpend(kind);

        public bool Fault(string what)
        {
            if (!Budgets.AddFault()) return false;
            _host.Stats.OverBudgetLinkClosed();
            Volatile.Write(ref _misbehaved, 1);
            Close(CloseReason.OverBudget, "past " + Tunables.FaultScoreLimit + " faults in about a minute (the last: " + what + ")");
            return true;
        }

        /// <summary>Clock reading (milliseconds of the node's clock) of the last bytes received: the keepalive's evidence of life.</summary>
        public long LastReceivedMs => _pump.LastReceivedMs;

        /// <summary>Bytes wait unread: the neighbour is alive even if this node, overloaded, has not read them yet.</summary>
        public bool HasUnreadData => _pump.HasUnreadData;

        public int QueueLength => _pump.QueueLength;

        /// <summary>Since when (node clock, ms) frames find this link's queue full and nothing was written; 0 when it keeps up.</summary>
        public long StalledSinceMs => _pump.StalledSinceMs;

        /// <summary>Completes with the link that serves (this one, or the one kept instead) or fails when the handshake fails.</summary>
        public Task<Link> Handshake => _handshake.Task;

        /// <summary>Completes when both loops have ended.</summary>
        public Task Completion => _pump.Completion;

        /// <summary>The writer loop alone: done when the CLOSE frame has left.</summary>
        public Task WriterCompletion => _pump.WriterCompletion;

        /// <summary>Starts both loops. An outbound PeerChat link sends HELLO at once; an inbound one first finds out which protocol its neighbour speaks.</summary>
        public void Start()
        {
            if (Direction == PeerDirection.Outbound && !IsText) _session.Begin();
            _pump.Start(ReadAsync);
        }

        public bool TryEnqueue(OutboundFrame frame, int waitMilliseconds)
        {
            if (frame.Message == null && IsText) return true; // control frames mean nothing to a text peer
            if (_pump.TryEnqueue(frame, waitMilliseconds)) return true;
            if (State != PeerState.Closed) Counters.SendDropped();
            return false;
        }

        /// <summary>Sends a PING unless one is outstanding for less than <paramref name="intervalMs"/>.</summary>
        public void PingIfDue(long nowMs, long intervalMs) => _session.PingIfDue(nowMs, intervalMs);

        public void Close(CloseReason reason, string detail) => Close(reason, detail, tellRemote: true, drain: false);

        /// <summary>
        /// Closes the link once (the first reason wins). A PeerChat neighbour gets a CLOSE frame with the reason when
        /// <paramref name="tellRemote"/>; the transport is disposed after the writer flushed it, or after a short linger.
        /// </summary>
        /// <param name="drain">
        /// The neighbour sent CLOSE: it still reads for a moment (its linger), so the frames already queued to it are
        /// written out instead of being thrown away; they carry messages this node accepted and may not send again.
        /// </param>
        public void Close(CloseReason reason, string detail, bool tellRemote, bool drain = false)
        {
            if (!MarkClosed(reason, detail)) return;
            if (tellRemote && !IsText && !_pump.IsDisposed)
            {
                _pump.CompleteWith(new OutboundFrame(CloseFrame.Encode(reason, detail), null));
                DisposeAfterLinger();
            }
            else if (drain && !_pump.IsDisposed)
            {
                _pump.CompleteWith(null);
                DisposeAfterLinger();
            }
            else
            {
                _pump.CompleteWith(null);
                _pump.DisposeTransport();
            }
            FailHandshake(new PeerConnectException(Address, "Could not connect to " + Address + ": " + DescribeClose(reason, detail, remote: false) + ".", reason: reason));
            _host.OnClosed(this);
        }

        /// <summary>
        /// Counts an invalid frame and closes the link with ProtocolError (or <paramref name="reason"/>) as misbehaviour
        /// (see <see cref="Misbehaved"/>); always false, for returning.
        /// </summary>
        public bool Fail(string why, CloseReason reason = CloseReason.ProtocolError)
        {
            _host.Stats.InvalidFrame();
            Volatile.Write(ref _misbehaved, 1);
            Close(reason, why);
            return false;
        }

        public void Misbehaved(string detail)
        {
            Volatile.Write(ref _misbehaved, 1);
            Close(CloseReason.ProtocolError, detail);
        }

        /// <summary>True when this node closed the link for something no honest neighbour sends.</summary>
        public bool IsMisbehaved => Volatile.Read(ref _misbehaved) != 0;

        /// <summary>Kills the link without a goodbye: the transport is reset, as when a process dies. For failure tests.</summary>
        public void Abort()
        {
            if (!MarkClosed(CloseReason.ConnectionLost, "aborted")) return;
            _pump.CompleteWith(null);
            _pump.AbortTransport();
            FailHandshake(new PeerConnectException(Address, "The link was aborted."));
            _host.OnClosed(this);
        }

        /// <summary>Releases the transport now (the end of a node's stop, after the flush).</summary>
        public void DisposeTransport() => _pump.DisposeTransport();

        /// <summary>Handshaking becomes Connected; the connection time becomes the registration time.</summary>
        public void MarkConnected()
        {
            _session.Handshake.BeforeConnected(); // an acceptor's INTRO goes out before anything the registered link may be sent
            Interlocked.Exchange(ref _connectedAtTicks, _host.Clock.GetUtcNow().UtcTicks);
            Interlocked.CompareExchange(ref _state, (int)PeerState.Connected, (int)PeerState.Handshaking);
        }

        public void CompleteHandshake(Link serving) => _handshake.TrySetResult(serving);

        public void FailHandshake(Exception error) => _handshake.TrySetException(error);

        /// <summary>The inbound neighbour turned out to speak plain text (protocol.md §5).</summary>
        internal void BecomeText()
        {
            Volatile.Write(ref _protocol, (int)PeerProtocol.Text);
            _pump.SwitchToTextLines();
        }

        private bool MarkClosed(CloseReason reason, string detail)
        {
            if (Interlocked.Exchange(ref _state, (int)PeerState.Closed) == (int)PeerState.Closed) return false;
            Volatile.Write(ref _closeDetail, detail ?? string.Empty);
            Volatile.Write(ref _closeReason, (int)reason);
            return true;
        }

        private void DisposeAfterLinger()
        {
            _host.Clock.Delay(_host.Settings.CloseLinger).ContinueWith(_ => _pump.DisposeTransport(), TaskScheduler.Default);
        }

        internal static string DescribeClose(CloseReason reason, string detail, bool remote)
        {
            string who = remote ? "the remote node closed the link" : "the link was closed";
            string text;
            switch (reason)
            {
                case CloseReason.Self: text = "the address leads back to this node"; break;
                case CloseReason.Duplicate: text = "a link to that node already exists"; break;
                case CloseReason.Full: text = "the node has no room for more links"; break;
                case CloseReason.Shed: text = "the node has more links than it keeps and gave addresses to try instead"; break;
                case CloseReason.VersionMismatch: text = "the node speaks another protocol version"; break;
                case CloseReason.HandshakeTimeout: text = "no PeerChat handshake arrived in time (for a plain text node, use -Protocol Text)"; break;
                case CloseReason.Shutdown: text = "the node is shutting down"; break;
                default: text = who + " (" + reason + ")"; break;
            }
            return string.IsNullOrEmpty(detail) ? text : text + ": " + detail;
        }

        /// <summary>The reader: protocol detection for inbound links, then frames (PeerChat) or lines (text) until the link ends.</summary>
        private async Task ReadAsync()
        {
            try
            {
                int end = 0;
                Task<int> pending = null;
                if (Direction == PeerDirection.Inbound)
                {
                    // protocol.md §5: a PeerChat dialler's first byte is the 0x00 of a length prefix; text never starts with NUL.
                    pending = _pump.ReceiveAsync(0);
                    Task first = await Task.WhenAny(pending, _host.Clock.Delay(_host.Settings.ProtocolDetectTimeout));
                    if (first == pending)
                    {
                        end = await pending;
                        pending = null;
                        _pump.Received(end);
                        if (end == 0)
                        {
                            Close(CloseReason.ConnectionLost, "closed before sending anything", tellRemote: false);
                            return;
                        }
                        if (_pump.ReadBuffer[0] != 0) BecomeText();
                    }
                    else
                    {
                        BecomeText(); // silent so far: the article's node or nc before its user typed
                    }
                }

                if (IsText)
                {
                    await TextLineReader.RunAsync(this, _host, _pump, pending, end);
                }
                else
                {
                    using (_host.Clock.CreateTimer(_ => OnHandshakeTimeout(), null, _host.Settings.HandshakeTimeout, Timeout.InfiniteTimeSpan))
                    {
                        await _pump.ReadFramesAsync(end, _session.HandleFrame);
                    }
                }
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException || ex is ObjectDisposedException || ex is InvalidOperationException || ex is System.IO.IOException)
            {
                Close(CloseReason.ConnectionLost, ex.Message, tellRemote: false);
            }
            catch (Exception ex)
            {
                // A bug must cost this link, never the node.
                Close(CloseReason.ProtocolError, "internal error: " + ex.Message);
            }
        }

        private void OnHandshakeTimeout()
        {
            if (State == PeerState.Handshaking) Close(CloseReason.HandshakeTimeout, "no PeerChat handshake within " + _host.Settings.HandshakeTimeout.TotalSeconds + " s");
        }
    }
}
