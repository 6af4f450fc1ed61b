using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// One TCP link: exactly one reader loop and one writer loop, a bounded send queue between the node and the
    /// writer, async socket I/O. Bytes from the remote side are untrusted: every frame and line is bounded,
    /// and anything malformed closes this link only.
    /// </summary>
    internal sealed class PeerConnection : IFloodLink
    {
        private const int InitialReadBuffer = 4096;
        private static readonly long SliceTicks = Stopwatch.Frequency / 500; // 2 ms of frame handling, then let other links run
        private const int WriteBatchFrames = 256;
        private const int CoalesceLimit = 64 * 1024;
        private static readonly TimeSpan CloseLinger = TimeSpan.FromSeconds(2);
        private static readonly TimeSpan RemoteRegistrationWait = TimeSpan.FromSeconds(1);

        private readonly PeerNode _node;
        private readonly Socket _socket;
        private readonly SendQueue _queue;
        private readonly TaskCompletionSource<Peer> _handshake = new TaskCompletionSource<Peer>(TaskCreationOptions.RunContinuationsAsynchronously);
        private byte[] _readBuffer = new byte[InitialReadBuffer];
        private byte[] _writeBuffer;
        private int _disposed;
        private Task _writer = Task.CompletedTask;
        private Task _reader = Task.CompletedTask;
        private long _lastReceivedMs;
        private long _pingNonce;
        private long _pingSentMs;
        private int _awaitingRemoteRegistration;
        private HelloFrame _remoteHello;
        private byte[] _localHelloBody;

        public PeerConnection(PeerNode node, Socket socket, PeerDirection direction, PeerProtocol protocol, int queueCapacity)
        {
            _node = node;
            _socket = socket;
            _socket.NoDelay = true;
            _queue = new SendQueue(queueCapacity, node.Options.SendQueueBytes);
            RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
            Peer = new Peer(node, direction, protocol, FormatEndPoint(RemoteEndPoint)) { Connection = this };
            LinkToken = direction == PeerDirection.Outbound ? (ulong)Id128.NewRandom().Low : 0;
            AwaitingAddresses = direction == PeerDirection.Outbound ? 1 : 0; // a full acceptor answers a dial with addresses
            _lastReceivedMs = PeerNode.NowMs();
            _handshake.Task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }

        /// <summary>Where the neighbour listens (its address as we see it, the port from its HELLO); null if it does not listen.</summary>
        public IPEndPoint ListenEndPoint { get; private set; }

        /// <summary>Clock reading (PeerNode.NowMs) of the last bytes received: the keepalive's evidence of life.</summary>
        public long LastReceivedMs => Interlocked.Read(ref _lastReceivedMs);

        /// <summary>
        /// True when bytes wait in the socket: the neighbour is alive even if this node, overloaded, has not read them
        /// yet (the keepalive must not drop a link for our own slowness).
        /// </summary>
        public bool HasUnreadData
        {
            get
            {
                try
                {
                    return _socket.Available > 0;
                }
                catch (Exception)
                {
                    return false; // disposed or failed: no evidence of life
                }
            }
        }

        /// <summary>When this link last asked its neighbour for addresses, and last answered such a request (rate limits, protocol.md §4.2).</summary>
        public long LastAddressRequestMs;
        public long LastAddressReplyMs;

        /// <summary>1 while a GETADDR of ours is unanswered (or a dial may be refused as Full): only then is an ADDR learned.</summary>
        public int AwaitingAddresses;

        /// <summary>Sends a PING unless one is outstanding for less than <paramref name="intervalMs"/>.</summary>
        public void PingIfDue(long now, long intervalMs)
        {
            if (now - Interlocked.Read(ref _pingSentMs) < intervalMs) return;
            long nonce = (long)Id128.NewRandom().Low;
            Interlocked.Exchange(ref _pingNonce, nonce);
            Interlocked.Exchange(ref _pingSentMs, now);
            TryEnqueue(new OutboundFrame(PingFrame.Encode(FrameType.Ping, (ulong)nonce), null), 0);
        }

        /// <summary>Kills the link without a goodbye: the socket is reset (RST), as when a process dies. For failure tests.</summary>
        public void Abort()
        {
            if (!Peer.MarkClosed(CloseReason.ConnectionLost, "aborted")) return;
            try
            {
                _socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception)
            {
                // the socket may already be gone
            }
            _queue.CompleteWith(null);
            DisposeSocket();
            _handshake.TrySetException(new PeerConnectException(Peer.Address, "The link was aborted."));
            _node.OnLinkClosed(this);
        }

        public Peer Peer { get; }

        public IPEndPoint RemoteEndPoint { get; }

        /// <summary>The remote node id once its HELLO arrived (empty for text peers).</summary>
        public Id128 RemoteId { get; private set; }

        /// <summary>Chosen by the dialer, echoed by the acceptor: with the dialer's id it orders duplicate links (protocol.md §3.1).</summary>
        public ulong LinkToken { get; private set; }

        public bool IsText => Peer.Protocol == PeerProtocol.Text;

        public int QueueLength => _queue.Count;

        /// <summary>Completes when the link is registered (or fails when the handshake fails).</summary>
        public Task<Peer> Handshake => _handshake.Task;

        /// <summary>Completes when both loops have ended.</summary>
        public Task Completion => Task.WhenAll(_reader, _writer);

        /// <summary>The writer loop alone: done when the CLOSE frame has left.</summary>
        public Task WriterCompletion => _writer;

        public static string FormatEndPoint(IPEndPoint endPoint)
        {
            if (endPoint == null) return "?";
            IPAddress address = endPoint.Address;
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            return address.AddressFamily == AddressFamily.InterNetworkV6
                ? "[" + address + "]:" + endPoint.Port
                : address + ":" + endPoint.Port;
        }

        /// <summary>Starts both loops. Outbound PeerChat links send HELLO at once; inbound links first find out which protocol the remote side speaks.</summary>
        public void Start()
        {
            if (Peer.Direction == PeerDirection.Outbound && !IsText)
            {
                byte[] hello = _node.CreateHello(LinkToken, NewNonce());
                _localHelloBody = HelloFrame.BodyOf(hello);
                _queue.TryEnqueue(new OutboundFrame(hello, null), 0);
            }
            _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, LinkScheduler.Instance).Unwrap();
            // Both loops' awaits keep no ConfigureAwait(false): each continuation returns to the bounded scheduler.
            _reader = Task.Factory.StartNew(ReadLoopAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, LinkScheduler.Instance).Unwrap();
        }

        public bool TryEnqueue(OutboundFrame frame, int waitMilliseconds)
        {
            if (frame.Message == null && IsText) return true; // control frames mean nothing to a text peer
            if (_queue.TryEnqueue(frame, waitMilliseconds)) return true;
            if (Peer.State != PeerState.Closed) Peer.CountSendDrop();
            return false;
        }

        /// <summary>
        /// Closes the link once (the first reason wins). A PeerChat neighbour gets a CLOSE frame with the reason
        /// when <paramref name="tellRemote"/>; the socket is disposed after the writer flushed it, or after a short linger.
        /// </summary>
        /// <param name="drain">
        /// The neighbour sent CLOSE: it still reads for a moment (its linger), so the frames already queued to it are
        /// written out instead of being thrown away; they carry messages this node accepted and may not send again.
        /// </param>
        public void Close(CloseReason reason, string detail, bool tellRemote = true, bool drain = false)
        {
            if (!Peer.MarkClosed(reason, detail)) return;
            if (tellRemote && !IsText && Volatile.Read(ref _disposed) == 0)
            {
                _queue.CompleteWith(new OutboundFrame(CloseFrame.Encode(reason, detail), null));
                Task.Delay(CloseLinger).ContinueWith(_ => DisposeSocket(), TaskScheduler.Default);
            }
            else if (drain && Volatile.Read(ref _disposed) == 0)
            {
                _queue.CompleteWith(null);
                Task.Delay(CloseLinger).ContinueWith(_ => DisposeSocket(), TaskScheduler.Default);
            }
            else
            {
                _queue.CompleteWith(null);
                DisposeSocket();
            }
            _handshake.TrySetException(new PeerConnectException(Peer.Address, "Could not connect to " + Peer.Address + ": " + DescribeClose(reason, detail, remote: false) + ".", reason: reason));
            _node.OnLinkClosed(this);
        }

        /// <summary>Disposing the socket is how a pending receive is cancelled on netstandard2.0.</summary>
        public void DisposeSocket()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                _socket.Dispose();
            }
            catch (Exception)
            {
                // already gone
            }
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
                case CloseReason.VersionMismatch: text = "the node speaks another protocol version"; break;
                case CloseReason.HandshakeTimeout: text = "no PeerChat handshake arrived in time (for a plain text node, use -Protocol Text)"; break;
                case CloseReason.Shutdown: text = "the node is shutting down"; break;
                default: text = who + " (" + reason + ")"; break;
            }
            return string.IsNullOrEmpty(detail) ? text : text + ": " + detail;
        }

        private async Task ReadLoopAsync()
        {
            int start = 0;
            int end = 0;
            try
            {
                Task<int> pending = null;
                if (Peer.Direction == PeerDirection.Inbound)
                {
                    // protocol.md §5: a PeerChat dialer's first byte is the 0x00 of a length prefix; text never starts with NUL.
                    pending = ReceiveAsync(0);
                    Task first = await Task.WhenAny(pending, Task.Delay(_node.Options.ProtocolDetectTimeout));
                    if (first == pending)
                    {
                        end = await pending;
                        pending = null;
                        if (end == 0)
                        {
                            Close(CloseReason.ConnectionLost, "closed before sending anything", tellRemote: false);
                            return;
                        }
                        if (_readBuffer[0] != 0) Peer.Protocol = PeerProtocol.Text;
                    }
                    else
                    {
                        Peer.Protocol = PeerProtocol.Text; // silent so far: the article's node or nc before its user typed
                    }
                }

                if (IsText)
                {
                    if (!_node.TryRegister(this, out _, out CloseReason refusal, out string why))
                    {
                        Close(refusal, why);
                        return;
                    }
                    _handshake.TrySetResult(Peer);
                    if (pending != null)
                    {
                        end = await pending;
                        if (end == 0)
                        {
                            Close(CloseReason.ConnectionLost, "the text peer left", tellRemote: false);
                            return;
                        }
                    }
                    Peer.CountReceived(end);
                    await ReadLinesAsync(end);
                }
                else
                {
                    if (end > 0) Peer.CountReceived(end);
                    using (new Timer(_ => { if (Peer.State == PeerState.Handshaking) Close(CloseReason.HandshakeTimeout, "no HELLO within " + _node.Options.HandshakeTimeout.TotalSeconds + " s"); }, null, _node.Options.HandshakeTimeout, Timeout.InfiniteTimeSpan))
                    {
                        await ReadFramesAsync(start, end);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException || ex is InvalidOperationException || ex is System.IO.IOException)
            {
                Close(CloseReason.ConnectionLost, ex.Message, tellRemote: false);
            }
            catch (Exception ex)
            {
                // A bug must cost this link, never the node.
                Close(CloseReason.ProtocolError, "internal error: " + ex.Message);
            }
        }

        private async Task ReadFramesAsync(int start, int end)
        {
            long sliceStart = Stopwatch.GetTimestamp();
            while (true)
            {
                int needed = ProtocolLimits.LengthPrefix;
                while (true)
                {
                    FrameReadStatus status = FrameReader.TryRead(_readBuffer, start, end - start, out int bodyLength);
                    if (status == FrameReadStatus.Frame)
                    {
                        int body = start + ProtocolLimits.LengthPrefix;
                        start = body + bodyLength;
                        if (!HandleFrame(body, bodyLength)) return;
                        if (Stopwatch.GetTimestamp() - sliceStart > SliceTicks)
                        {
                            // A busy link must not keep its thread: with verification at ~80 us a frame, a full buffer
                            // is tens of milliseconds, and starved readers of other links would look dead to the keepalive.
                            Interlocked.Exchange(ref _lastReceivedMs, PeerNode.NowMs());
                            await Task.Yield();
                            sliceStart = Stopwatch.GetTimestamp();
                        }
                        continue;
                    }
                    if (status == FrameReadStatus.TooLarge)
                    {
                        _node.CountInvalidFrame();
                        Close(CloseReason.FrameTooLarge, "frame of " + BigEndian.ReadUInt32(_readBuffer, start) + " bytes; the limit is " + ProtocolLimits.MaxFrameBody);
                        return;
                    }
                    if (status == FrameReadStatus.Empty)
                    {
                        _node.CountInvalidFrame();
                        Close(CloseReason.ProtocolError, "empty frame");
                        return;
                    }
                    if (bodyLength > 0) needed = ProtocolLimits.LengthPrefix + bodyLength;
                    break;
                }

                MakeRoom(ref start, ref end, needed);
                int n = await ReceiveAsync(end);
                if (n == 0)
                {
                    Close(CloseReason.ConnectionLost, end > start ? "the neighbour left in the middle of a frame" : "the neighbour left without CLOSE", tellRemote: false);
                    return;
                }
                end += n;
                Peer.CountReceived(n);
                Interlocked.Exchange(ref _lastReceivedMs, PeerNode.NowMs());
                sliceStart = Stopwatch.GetTimestamp(); // waiting for bytes is not frame handling: a new slice begins
            }
        }

        /// <summary>Handles one frame; false when the link is done.</summary>
        private bool HandleFrame(int body, int length)
        {
            var type = (FrameType)_readBuffer[body];
            if (Peer.State == PeerState.Handshaking)
            {
                if (type == FrameType.Close) return HandleClose(body, length);
                if (type == FrameType.Addresses && Peer.Direction == PeerDirection.Outbound) return HandleAddresses(body, length); // a full node's alternatives
                if (_remoteHello != null) return type == FrameType.Auth ? CompleteAuth(body, length) : Fail("expected AUTH after HELLO");
                HelloFrame hello = HelloFrame.TryDecode(_readBuffer, body, length, out string error);
                return hello == null ? Fail(error) : AcceptHello(hello);
            }

            if (type != FrameType.Close && Volatile.Read(ref _awaitingRemoteRegistration) != 0) ConfirmRemoteRegistration();
            switch (type)
            {
                case FrameType.Message:
                case FrameType.Announce:
                case FrameType.Direct:
                    Peer.CountMessageReceived();
                    return _node.OnFloodFrame(this, _readBuffer, body, length);
                case FrameType.Close:
                    return HandleClose(body, length);
                case FrameType.Ping:
                    if (PingFrame.TryDecode(_readBuffer, body, length, out ulong nonce)) TryEnqueue(new OutboundFrame(PingFrame.Encode(FrameType.Pong, nonce), null), 0);
                    return true;
                case FrameType.Pong:
                    if (PingFrame.TryDecode(_readBuffer, body, length, out ulong echoed) && (long)echoed == Interlocked.Read(ref _pingNonce))
                    {
                        Peer.LatencyMs = Math.Max(0, PeerNode.NowMs() - Interlocked.Read(ref _pingSentMs));
                    }
                    return true;
                case FrameType.GetAddresses:
                    _node.OnAddressRequest(this);
                    return true;
                case FrameType.Addresses:
                    return HandleAddresses(body, length);
                case FrameType.Hello:
                case FrameType.Auth:
                    return Fail("a second " + type.ToString().ToUpperInvariant());
                default:
                    return true; // protocol.md §3: unknown frame types are skipped
            }
        }

        private bool Fail(string why)
        {
            _node.CountInvalidFrame();
            Close(CloseReason.ProtocolError, why);
            return false;
        }

        private bool HandleAddresses(int body, int length)
        {
            List<AddressRecord> records = AddressFrame.TryDecode(_readBuffer, body, length, out string error);
            if (records == null)
            {
                _node.CountInvalidFrame();
                Close(CloseReason.ProtocolError, error);
                return false;
            }
            _node.OnAddresses(this, records);
            return true;
        }

        private bool HandleClose(int body, int length)
        {
            CloseFrame.Decode(_readBuffer, body, length, out CloseReason reason, out string detail);
            if (Peer.State == PeerState.Handshaking)
            {
                string message = "Could not connect to " + Peer.Address + ": " + DescribeClose(reason, detail, remote: true) + ".";
                _handshake.TrySetException(new PeerConnectException(Peer.Address, message, reason: reason));
            }
            Close(reason, detail, tellRemote: false, drain: true);
            return false;
        }

        /// <summary>
        /// The remote HELLO (protocol.md §3.1): check version, id against key, self and token. The acceptor answers
        /// with its HELLO and AUTH at once (or refuses when full); the dialler answers with its AUTH.
        /// </summary>
        private bool AcceptHello(HelloFrame hello)
        {
            if (hello.Version != ProtocolLimits.Version)
            {
                Close(CloseReason.VersionMismatch, "version " + hello.Version + " offered; this node speaks " + ProtocolLimits.Version);
                return false;
            }
            if (NodeIdentity.IdFromKey(hello.SigningKey, 0) != hello.NodeId) return Fail("the node id in HELLO is not the hash of its key");
            RemoteId = hello.NodeId;
            Peer.Id = hello.NodeId.ToString();
            Peer.Name = hello.Name;
            if (hello.ListenPort != 0 && RemoteEndPoint != null)
            {
                IPAddress host = RemoteEndPoint.Address.IsIPv4MappedToIPv6 ? RemoteEndPoint.Address.MapToIPv4() : RemoteEndPoint.Address;
                ListenEndPoint = new IPEndPoint(host, hello.ListenPort);
                Peer.ListenAddress = FormatEndPoint(ListenEndPoint);
            }
            if (hello.NodeId == _node.NodeId)
            {
                // The address looped back to this node (protocol.md §3.1).
                _handshake.TrySetException(new PeerConnectException(Peer.Address, "Could not connect to " + Peer.Address + ": the address leads back to this node (" + _node.Name + ").", reason: CloseReason.Self));
                Close(CloseReason.Self, "this is " + _node.Name + " itself");
                return false;
            }
            _remoteHello = hello;
            if (Peer.Direction == PeerDirection.Inbound)
            {
                LinkToken = hello.LinkToken;
                if (!_node.HasRoomForLink)
                {
                    _queue.TryEnqueue(new OutboundFrame(_node.CreateAddressReply(this), null), 0); // polite: other nodes to try
                    Close(CloseReason.Full, _node.Name + " has " + _node.PeerCount + " links, its maximum");
                    return false;
                }
                byte[] helloFrame = _node.CreateHello(LinkToken, NewNonce());
                _localHelloBody = HelloFrame.BodyOf(helloFrame);
                _queue.TryEnqueue(new OutboundFrame(helloFrame, null), 0);
                _queue.TryEnqueue(new OutboundFrame(AuthFrame.Encode(_node.Identity, AuthFrame.AcceptorRole, hello.Body, _localHelloBody), null), 0);
            }
            else
            {
                if (hello.LinkToken != LinkToken) return Fail("HELLO did not echo the link token");
                _queue.TryEnqueue(new OutboundFrame(AuthFrame.Encode(_node.Identity, AuthFrame.DiallerRole, _localHelloBody, hello.Body), null), 0);
            }
            return true;
        }

        /// <summary>The remote AUTH: it proves the remote holds the key of the id it claimed; only then is the link registered.</summary>
        private bool CompleteAuth(int body, int length)
        {
            bool inbound = Peer.Direction == PeerDirection.Inbound;
            byte role = inbound ? AuthFrame.DiallerRole : AuthFrame.AcceptorRole;
            byte[] diallerHello = inbound ? _remoteHello.Body : _localHelloBody;
            byte[] acceptorHello = inbound ? _localHelloBody : _remoteHello.Body;
            bool proven = AuthFrame.Verify(_node.Verifier, RemoteId, _remoteHello.SigningKey, role, diallerHello, acceptorHello, _readBuffer, body, length);
            _node.CountVerification(proven);
            if (!proven) return Fail("AUTH signature does not prove the key of " + RemoteId);

            if (!_node.TryRegister(this, out PeerConnection kept, out CloseReason refusal, out string why))
            {
                if (kept != null) _handshake.TrySetResult(kept.Peer); // the caller of Connect gets the link that stays
                Close(refusal, why);
                return false;
            }
            _node.LearnNeighbour(RemoteId, _remoteHello.Name, _remoteHello.EncryptionKey);
            if (inbound)
            {
                // The dialler's connect waits for a frame sent after this registration (protocol.md §3.1): a PING.
                PingIfDue(PeerNode.NowMs(), 0);
                _handshake.TrySetResult(Peer);
            }
            else
            {
                // Registered here, but the acceptor registers only when our AUTH reaches it; until then its own
                // broadcasts do not use this link. Connect completes on the acceptor's first frame after its AUTH
                // (or after a short wait, for a neighbour that sends nothing), so what a script sends next from
                // either side crosses the new link.
                Volatile.Write(ref _awaitingRemoteRegistration, 1);
                Task.Delay(RemoteRegistrationWait).ContinueWith(_ => ConfirmRemoteRegistration(), TaskScheduler.Default);
            }
            return true;
        }

        private void ConfirmRemoteRegistration()
        {
            if (Interlocked.Exchange(ref _awaitingRemoteRegistration, 0) == 1) _handshake.TrySetResult(Peer);
        }

        private static byte[] NewNonce()
        {
            byte[] nonce = new byte[HelloFrame.NonceSize];
            using (var rng = System.Security.Cryptography.RandomNumberGenerator.Create()) rng.GetBytes(nonce);
            return nonce;
        }

        private async Task ReadLinesAsync(int end)
        {
            int start = 0;
            int scanned = 0;
            while (true)
            {
                while (true)
                {
                    int newline = Array.IndexOf(_readBuffer, (byte)'\n', scanned, end - scanned);
                    if (newline < 0)
                    {
                        scanned = end;
                        break;
                    }
                    int length = newline - start;
                    if (length > ProtocolLimits.MaxLineBytes - 1)
                    {
                        _node.CountInvalidFrame();
                        Close(CloseReason.FrameTooLarge, "line longer than " + ProtocolLimits.MaxLineBytes + " bytes");
                        return;
                    }
                    if (!_node.OnTextLine(this, _readBuffer, start, length)) return;
                    start = newline + 1;
                    scanned = start;
                }

                if (end - start >= ProtocolLimits.MaxLineBytes)
                {
                    _node.CountInvalidFrame();
                    Close(CloseReason.FrameTooLarge, "line longer than " + ProtocolLimits.MaxLineBytes + " bytes");
                    return;
                }

                int before = start;
                MakeRoom(ref start, ref end, Math.Min(end - start + InitialReadBuffer, ProtocolLimits.MaxLineBytes));
                scanned -= before - start;
                int n = await ReceiveAsync(end);
                if (n == 0)
                {
                    if (end > start) _node.OnTextLine(this, _readBuffer, start, end - start); // a last line without newline
                    Close(CloseReason.ConnectionLost, "the text peer left", tellRemote: false);
                    return;
                }
                end += n;
                Peer.CountReceived(n);
            }
        }

        /// <summary>Moves unread bytes to the front and grows the buffer so <paramref name="needed"/> bytes fit (never beyond a frame's maximum).</summary>
        private void MakeRoom(ref int start, ref int end, int needed)
        {
            int unread = end - start;
            if (unread == 0)
            {
                start = end = 0;
            }
            if (_readBuffer.Length - start >= needed && end < _readBuffer.Length) return;
            if (_readBuffer.Length < needed)
            {
                int size = Math.Max(needed, Math.Min(_readBuffer.Length * 2, ProtocolLimits.LengthPrefix + ProtocolLimits.MaxFrameBody));
                var bigger = new byte[size];
                Buffer.BlockCopy(_readBuffer, start, bigger, 0, unread);
                _readBuffer = bigger;
            }
            else if (start > 0)
            {
                Buffer.BlockCopy(_readBuffer, start, _readBuffer, 0, unread);
            }
            start = 0;
            end = unread;
        }

        private Task<int> ReceiveAsync(int offset)
        {
            return _socket.ReceiveAsync(new ArraySegment<byte>(_readBuffer, offset, _readBuffer.Length - offset), SocketFlags.None);
        }

        private async Task WriteLoopAsync()
        {
            var batch = new List<OutboundFrame>(16);
            try
            {
                while (true)
                {
                    batch.Clear();
                    await _queue.TakeBatchAsync(batch, WriteBatchFrames);
                    if (batch.Count == 0) break;

                    bool closeAfter = false;
                    int used = 0;
                    long bytes = 0;
                    int messages = 0;
                    foreach (OutboundFrame frame in batch)
                    {
                        closeAfter |= frame.CloseAfter;
                        byte[] data = IsText ? frame.Message?.GetTextLine() : frame.Frame;
                        if (data == null) continue;
                        if (frame.Message != null) messages++;
                        bytes += data.Length;
                        // Text links get one line per send: the article's Go node reads each line with a fresh
                        // buffered reader and would lose lines that arrive together (protocol.md §5).
                        if (batch.Count == 1 || IsText || data.Length > CoalesceLimit)
                        {
                            if (used > 0) await SendAllAsync(_writeBuffer, used);
                            used = 0;
                            await SendAllAsync(data, data.Length);
                            continue;
                        }
                        if (used + data.Length > CoalesceLimit)
                        {
                            await SendAllAsync(_writeBuffer, used);
                            used = 0;
                        }
                        EnsureWriteBuffer(used + data.Length);
                        Buffer.BlockCopy(data, 0, _writeBuffer, used, data.Length);
                        used += data.Length;
                    }
                    if (used > 0) await SendAllAsync(_writeBuffer, used);
                    Peer.CountSent(bytes, messages);
                    if (closeAfter)
                    {
                        try
                        {
                            _socket.Shutdown(SocketShutdown.Send);
                        }
                        catch (Exception)
                        {
                            // the socket may already be gone
                        }
                        break;
                    }
                }
            }
            catch (Exception ex)
            {
                Close(CloseReason.ConnectionLost, "send failed: " + ex.Message, tellRemote: false);
            }
        }

        private void EnsureWriteBuffer(int size)
        {
            if (_writeBuffer != null && _writeBuffer.Length >= size) return;
            int length = _writeBuffer == null ? 4096 : _writeBuffer.Length;
            while (length < size) length *= 2;
            var bigger = new byte[Math.Min(length, CoalesceLimit)];
            if (_writeBuffer != null) Buffer.BlockCopy(_writeBuffer, 0, bigger, 0, _writeBuffer.Length);
            _writeBuffer = bigger;
        }

        private async Task SendAllAsync(byte[] data, int count)
        {
            int sent = 0;
            while (sent < count)
            {
                int n = await _socket.SendAsync(new ArraySegment<byte>(data, sent, count - sent), SocketFlags.None);
                if (n <= 0) throw new SocketException((int)SocketError.ConnectionReset);
                sent += n;
            }
        }
    }
}
