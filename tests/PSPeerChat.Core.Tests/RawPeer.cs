using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;
using PSPeerChat.Transport;
using Xunit.Sdk;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A hand-driven TCP client: sends exact bytes, reads frames or lines with a deadline. It can complete the
    /// version-5 handshake (HELLO, Noise XX, INTRO; protocol.md §3.1, §9) with its own identity, as dialler or as
    /// acceptor; from then on what it sends is sealed into records and what it reads is opened from them, so a test
    /// speaks frames as a hostile neighbour would. It can record everything a node sends it.
    /// </summary>
    internal sealed class RawPeer : IDisposable
    {
        private readonly TcpClient _client; // null over an in-memory transport
        private readonly Stream _stream;
        private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);
        private readonly CancellationTokenSource _disposed = new CancellationTokenSource();
        private readonly MemoryStream _receivedBytes = new MemoryStream();
        private readonly List<byte[]> _captured = new List<byte[]>();
        private byte[] _buffer = new byte[128 * 1024];
        private int _start;
        private int _end;
        private Task _capture;
        private volatile bool _captureEnded;
        private readonly MemoryStream _wireBytes = new MemoryStream();
        private RecordCipher _records; // once the handshake keyed the link
        private bool _sendSealed;
        private byte[] _wire = new byte[128 * 1024]; // ciphertext not yet opened
        private int _wireStart;
        private int _wireEnd;

        private RawPeer(TcpClient client)
        {
            _client = client;
            _client.NoDelay = true;
            _stream = client.GetStream();
        }

        private RawPeer(Stream stream)
        {
            _stream = stream;
        }

        /// <summary>Wraps an in-memory connection a test listener accepted (the raw peer as acceptor).</summary>
        public static RawPeer FromTransport(ILinkTransport transport) => new RawPeer(new TransportStream(transport));

        /// <summary>Dials a node of an in-memory network.</summary>
        public static async Task<RawPeer> ConnectAsync(MemoryNetwork network, int port, IPAddress from = null)
        {
            var target = new IPEndPoint(IPAddress.Loopback, port);
            ILinkTransport transport = from == null ? await network.ConnectAsync(target, CancellationToken.None) : await network.ConnectFromAsync(from, target);
            return new RawPeer(new TransportStream(transport));
        }

        /// <summary>
        /// Dials <paramref name="node"/> on its in-memory network, completes the handshake as dialler and waits until the
        /// node lists the link as connected (real time: the handshake needs no timer).
        /// </summary>
        /// <param name="from">The address the raw peer dials from (loopback when null).</param>
        /// <param name="listenPort">The listen port its INTRO names (0: none).</param>
        public static async Task<RawPeer> JoinAsync(MemoryNetwork network, PeerNode node, NodeIdentity identity = null, string name = "raw", ulong token = 0x0123456789ABCDEFUL, IPAddress from = null, ushort listenPort = 0)
        {
            RawPeer raw = await ConnectAsync(network, node.Port, from);
            try
            {
                await raw.HandshakeAsync(identity ?? NodeIdentity.Create(), name, token, listenPort);
                string id = raw.Identity.NodeId.ToString();
                await Eventually.UntilAsync(() => node.GetPeers().Any(p => p.Id == id && p.State == PeerState.Connected), TestNetwork.Wait, node.Name + " registered the raw peer " + name);
                return raw;
            }
            catch
            {
                raw.Dispose();
                throw;
            }
        }

        public static async Task<RawPeer> ConnectAsync(int port)
        {
            var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(IPAddress.Loopback, port);
            return new RawPeer(client);
        }

        /// <summary>Wraps a connection a test listener accepted (the raw peer as acceptor).</summary>
        public static RawPeer FromAccepted(TcpClient client) => new RawPeer(client);

        /// <summary>
        /// Connects to <paramref name="node"/>, completes the handshake as dialler with <paramref name="identity"/> and waits
        /// until the node lists the link as connected.
        /// </summary>
        public static async Task<RawPeer> JoinAsync(PeerNode node, NodeIdentity identity = null, string name = "raw", ulong token = 0x0123456789ABCDEFUL, ushort listenPort = 0)
        {
            RawPeer raw = await ConnectAsync(node.Port);
            try
            {
                await raw.HandshakeAsync(identity ?? NodeIdentity.Create(), name, token, listenPort);
                string id = raw.Identity.NodeId.ToString();
                await Eventually.UntilAsync(() => node.GetPeers().Any(p => p.Id == id && p.State == PeerState.Connected), TestNetwork.Wait, node.Name + " registered the raw peer " + name);
                return raw;
            }
            catch
            {
                raw.Dispose();
                throw;
            }
        }

        /// <summary>The identity this raw peer completed its handshake with.</summary>
        public NodeIdentity Identity { get; private set; }

        /// <summary>The node as the handshake showed it: its proven identity and its INTRO.</summary>
        public RemoteNode Remote { get; private set; }

        /// <summary>The node's identity and INTRO, as a raw peer received them.</summary>
        public sealed class RemoteNode
        {
            public Id128 NodeId { get; set; }
            public byte[] SigningKey { get; set; }
            public byte[] EncryptionKey { get; set; }
            public string Name { get; set; }
            public ulong LinkToken { get; set; }
            public ushort ListenPort { get; set; }
        }

        /// <summary>This end of the socket as the node sees it, host:port.</summary>
        public string LocalAddress
        {
            get
            {
                var ep = (IPEndPoint)_client.Client.LocalEndPoint;
                return ep.Address + ":" + ep.Port;
            }
        }

        /// <summary>
        /// The dialler's side of the handshake (protocol.md §3.1): HELLO and Noise message 1 out; message 2 in (the node's
        /// identity, verified); message 3 out; then, sealed, our INTRO out and the node's INTRO (token echoed) in. The
        /// node registers the link before it sends that INTRO.
        /// </summary>
        public async Task<RemoteNode> HandshakeAsync(NodeIdentity identity, string name, ulong token, ushort listenPort = 0, NoiseStaticKey staticKey = null)
        {
            byte[] hello = HelloFrame.Encode();
            var noise = new NoiseLinkHandshake(true, staticKey ?? NoiseStaticKey.Create(identity), HelloFrame.BodyOf(hello), new SignatureVerifier());
            await SendAsync(Frames.Concat(hello, NoiseFrame.Encode(noise.WriteMessage())));

            byte[] message2 = await ReadFrameAsync(TestNetwork.Wait);
            ThrowIfRefused(message2, "answering the HELLO");
            if (message2[0] != (byte)FrameType.Noise) throw new XunitException("The node's first frame is not a Noise message but type " + message2[0] + ".");
            noise.ReadMessage(message2, 1, message2.Length - 1);
            await SendAsync(NoiseFrame.Encode(noise.WriteMessage()));
            StartRecords(noise.CreateRecordCipher());

            await SendAsync(IntroFrame.Encode(token, listenPort, name));
            byte[] reply = await ReadFrameAsync(TestNetwork.Wait);
            ThrowIfRefused(reply, "after our INTRO");
            IntroFrame intro = IntroFrame.TryDecode(reply, 0, reply.Length, out string error);
            if (intro == null) throw new XunitException("The node's first sealed frame is not an INTRO: " + error);
            if (intro.LinkToken != token) throw new XunitException("The node did not echo the link token.");
            Identity = identity;
            Remote = Describe(noise.RemoteIdentity, intro);
            return Remote;
        }

        /// <summary>
        /// The acceptor's side (a node dialled this raw peer): the node's HELLO and message 1 in; message 2 out under
        /// <paramref name="identity"/>; message 3 in (the node's identity); then the node's INTRO in and ours out.
        /// <paramref name="echoToken"/> false sends back another token; <paramref name="payload"/> replaces our identity
        /// payload (a forged one).
        /// </summary>
        public async Task<RemoteNode> AcceptHandshakeAsync(NodeIdentity identity, string name, ushort listenPort = 0, bool echoToken = true, NoiseStaticKey staticKey = null)
        {
            byte[] hello = await ReadFrameAsync(TestNetwork.Wait);
            if (hello == null || hello[0] != (byte)FrameType.Hello) throw new XunitException("The node's first frame is not a HELLO.");
            var noise = new NoiseLinkHandshake(false, staticKey ?? NoiseStaticKey.Create(identity), hello, new SignatureVerifier());
            byte[] message1 = await ReadFrameAsync(TestNetwork.Wait);
            if (message1 == null || message1[0] != (byte)FrameType.Noise) throw new XunitException("The node's second frame is not Noise message 1.");
            noise.ReadMessage(message1, 1, message1.Length - 1);
            await SendAsync(NoiseFrame.Encode(noise.WriteMessage()));
            byte[] message3 = await ReadFrameAsync(TestNetwork.Wait);
            ThrowIfRefused(message3, "answering our message 2");
            if (message3[0] != (byte)FrameType.Noise) throw new XunitException("The node's third frame is not Noise message 3.");
            noise.ReadMessage(message3, 1, message3.Length - 1);
            StartRecords(noise.CreateRecordCipher());

            byte[] theirs = await ReadFrameAsync(TestNetwork.Wait);
            ThrowIfRefused(theirs, "instead of its INTRO");
            IntroFrame intro = IntroFrame.TryDecode(theirs, 0, theirs.Length, out string error);
            if (intro == null) throw new XunitException("The node's first sealed frame is not an INTRO: " + error);
            await SendAsync(IntroFrame.Encode(echoToken ? intro.LinkToken : intro.LinkToken ^ 1, listenPort, name));
            Identity = identity;
            Remote = Describe(noise.RemoteIdentity, intro);
            return Remote;
        }

        /// <summary>From here on frames are sealed into records and read from records; unread bytes are ciphertext.</summary>
        private void StartRecords(RecordCipher records)
        {
            _records = records;
            _sendSealed = true;
            int unread = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _wire, 0, unread);
            _wireStart = 0;
            _wireEnd = unread;
            _start = _end = 0;
        }

        private static RemoteNode Describe(LinkIdentity identity, IntroFrame intro) => new RemoteNode
        {
            NodeId = identity.NodeId,
            SigningKey = identity.SigningKey,
            EncryptionKey = identity.EncryptionKey,
            Name = intro.Name,
            LinkToken = intro.LinkToken,
            ListenPort = intro.ListenPort,
        };

        private static void ThrowIfRefused(byte[] frame, string when)
        {
            if (frame == null) throw new XunitException("The node closed the socket instead of " + when + ".");
            if (frame[0] != (byte)FrameType.Close) return;
            CloseFrame.Decode(frame, 0, frame.Length, out CloseReason reason, out string detail);
            throw new XunitException("The node refused the handshake " + when + ": " + reason + " (" + detail + ").");
        }

        /// <summary>Sends bytes of the link's stream: sealed into records once the handshake is through.</summary>
        public async Task SendAsync(byte[] bytes)
        {
            await _sendLock.WaitAsync();
            try
            {
                if (_sendSealed)
                {
                    for (int offset = 0; offset < bytes.Length || bytes.Length == 0; offset += RecordCipher.MaxPlaintext)
                    {
                        int chunk = Math.Min(RecordCipher.MaxPlaintext, bytes.Length - offset);
                        byte[] record = _records.Seal(bytes, offset, chunk);
                        await _stream.WriteAsync(record, 0, record.Length);
                        if (bytes.Length == 0) break;
                    }
                }
                else
                {
                    await _stream.WriteAsync(bytes, 0, bytes.Length);
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }

        public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

        /// <summary>One record of the link with <paramref name="plaintext"/> in it, sealed with the next send nonce (for hand-made record streams).</summary>
        public byte[] SealRecord(byte[] plaintext) => _records.Seal(plaintext, 0, plaintext.Length);

        /// <summary>Writes bytes to the socket as they are, never sealed (what an outsider on the path could inject).</summary>
        public async Task SendUnsealedAsync(byte[] bytes)
        {
            await _sendLock.WaitAsync();
            try
            {
                await _stream.WriteAsync(bytes, 0, bytes.Length);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        /// <summary>Reads one length-prefixed frame: its body (type byte first), or null when the node closed the socket.</summary>
        public async Task<byte[]> ReadFrameAsync(TimeSpan timeout)
        {
            EnsureNotCapturing();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                return await NextFrameAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new XunitException("The raw client received no frame in time (" + (_end - _start) + " unread bytes).");
            }
        }

        /// <summary>
        /// Reads frames until one matches, answering PINGs on the way (a raw peer that never answers would be dropped
        /// as dead); the others are skipped. Null when the node closed the socket first.
        /// </summary>
        public async Task<byte[]> ReadFrameAsync(Func<byte[], bool> match, TimeSpan timeout, string what)
        {
            EnsureNotCapturing();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (true)
                {
                    byte[] body = await NextFrameAsync(cts.Token);
                    if (body == null || match(body)) return body;
                    await AnswerPingAsync(body);
                }
            }
            catch (OperationCanceledException)
            {
                throw new XunitException("The raw client received no " + what + " in time.");
            }
        }

        /// <summary>Waits for the node's next PING and answers it (other frames on the way are skipped).</summary>
        public async Task AnswerNextPingAsync(TimeSpan timeout)
        {
            byte[] ping = await ReadFrameAsync(b => b[0] == (byte)FrameType.Ping, timeout, "PING");
            if (ping == null) throw new XunitException("The node closed the link instead of sending a PING.");
            await AnswerPingAsync(ping);
        }

        /// <summary>Reads until a CLOSE arrives and returns its reason and detail; fails when the socket ends without one.</summary>
        public async Task<(CloseReason reason, string detail)> ReadCloseAsync(TimeSpan timeout)
        {
            byte[] body = await ReadFrameAsync(b => b[0] == (byte)FrameType.Close, timeout, "CLOSE");
            if (body == null) throw new XunitException("The node closed the socket without a CLOSE frame.");
            CloseFrame.Decode(body, 0, body.Length, out CloseReason reason, out string detail);
            return (reason, detail);
        }

        /// <summary>Reads one line (without its newline), or null when the node closed the socket.</summary>
        public async Task<string> ReadLineAsync(TimeSpan timeout)
        {
            EnsureNotCapturing();
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    string line = Encoding.UTF8.GetString(_buffer, _start, newline - _start);
                    _start = newline + 1;
                    return line;
                }
                try
                {
                    if (!await FillAsync(cts.Token)) return null;
                }
                catch (OperationCanceledException)
                {
                    throw new XunitException("The raw client received no line in time (" + (_end - _start) + " unread bytes).");
                }
            }
        }

        /// <summary>True once the node has closed the socket (end of stream or reset); anything still arriving is skipped.</summary>
        public async Task<bool> ReadsEndOfStreamAsync(TimeSpan timeout)
        {
            EnsureNotCapturing();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (await FillAsync(cts.Token))
                {
                    _start = _end;
                }
            }
            catch (OperationCanceledException)
            {
                throw new XunitException("The node did not close the socket in time.");
            }
            return true;
        }

        /// <summary>
        /// From now on a background loop reads every frame the node sends and keeps it (PINGs are answered), so the
        /// link stays healthy while the test does other things. The foreground read methods may not be used any more.
        /// </summary>
        public void StartCapture()
        {
            EnsureNotCapturing();
            _capture = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        byte[] body = await NextFrameAsync(_disposed.Token);
                        if (body == null) break;
                        lock (_captured) _captured.Add(body);
                        await AnswerPingAsync(body);
                    }
                }
                catch (Exception)
                {
                    // disposed, or the node reset the socket
                }
                finally
                {
                    _captureEnded = true;
                }
            });
        }

        /// <summary>Frame bodies the capture loop has read so far.</summary>
        public List<byte[]> CapturedFrames()
        {
            lock (_captured) return _captured.ToList();
        }

        public bool CaptureEnded => _captureEnded;

        /// <summary>
        /// Every byte of the stream the node has sent on this link so far, length prefixes included, as this peer reads
        /// it: the handshake as sent, then the frames opened from the records (what a neighbour, and so a relay, sees).
        /// </summary>
        public byte[] ReceivedBytes()
        {
            lock (_receivedBytes) return _receivedBytes.ToArray();
        }

        /// <summary>Every byte the node has sent on the socket, exactly as it came (what an observer of the link sees).</summary>
        public byte[] WireBytes()
        {
            lock (_wireBytes) return _wireBytes.ToArray();
        }

        private void EnsureNotCapturing()
        {
            if (_capture != null) throw new InvalidOperationException("This raw peer is capturing in the background.");
        }

        private async Task AnswerPingAsync(byte[] body)
        {
            if (body[0] == (byte)FrameType.Ping && PingFrame.TryDecode(body, 0, body.Length, out ulong nonce))
            {
                await SendAsync(PingFrame.Encode(FrameType.Pong, nonce));
            }
        }

        private async Task<byte[]> NextFrameAsync(CancellationToken cancel)
        {
            while (true)
            {
                int unread = _end - _start;
                if (unread >= ProtocolLimits.LengthPrefix)
                {
                    int length = (int)BigEndian.ReadUInt32(_buffer, _start);
                    if (unread >= ProtocolLimits.LengthPrefix + length)
                    {
                        byte[] body = new byte[length];
                        Buffer.BlockCopy(_buffer, _start + ProtocolLimits.LengthPrefix, body, 0, length);
                        _start += ProtocolLimits.LengthPrefix + length;
                        return body;
                    }
                }
                if (!await FillAsync(cancel)) return null;
            }
        }

        /// <summary>Reads more bytes; false at the end of the stream (or a reset). Throws OperationCanceledException on timeout.</summary>
        private async Task<bool> FillAsync(CancellationToken cancel)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            while (true)
            {
                if (_records != null && TryOpenRecord()) return true;
                byte[] target = _records == null ? _buffer : _wire;
                int at = _records == null ? _end : _wireEnd;
                if (at == target.Length)
                {
                    Array.Resize(ref target, target.Length * 2);
                    if (_records == null) _buffer = target;
                    else _wire = target;
                }
                int n;
                try
                {
                    n = await _stream.ReadAsync(target.AsMemory(at), cancel);
                }
                catch (IOException)
                {
                    return false; // reset by the node
                }
                catch (ObjectDisposedException)
                {
                    return false;
                }
                if (n == 0) return false;
                lock (_wireBytes) _wireBytes.Write(target, at, n);
                if (_records == null)
                {
                    lock (_receivedBytes) _receivedBytes.Write(_buffer, _end, n);
                    _end += n;
                    return true;
                }
                _wireEnd += n;
            }
        }

        /// <summary>Opens the next whole record into the frame buffer; false when none is whole yet. A record that fails throws.</summary>
        private bool TryOpenRecord()
        {
            if (_wireEnd == _wireStart) return false;
            RecordStatus status = _records.TryOpen(_wire, _wireStart, _wireEnd - _wireStart, out byte[] plaintext, out int consumed);
            if (status == RecordStatus.Incomplete)
            {
                if (_wireStart > 0)
                {
                    Buffer.BlockCopy(_wire, _wireStart, _wire, 0, _wireEnd - _wireStart);
                    _wireEnd -= _wireStart;
                    _wireStart = 0;
                }
                return false;
            }
            if (status == RecordStatus.Failed)
            {
                // Before any record: the node may have refused the handshake in the clear (its CLOSE after our message 3).
                if (_records.RecordsReceived == 0 && _wireEnd - _wireStart >= 5 && _wire[_wireStart] == 0 && _wire[_wireStart + 4] == (byte)FrameType.Close)
                {
                    int unsealed = _wireEnd - _wireStart;
                    if (_end + unsealed > _buffer.Length) Array.Resize(ref _buffer, _end + unsealed);
                    Buffer.BlockCopy(_wire, _wireStart, _buffer, _end, unsealed);
                    _end += unsealed;
                    _wireStart = _wireEnd;
                    return true;
                }
                throw new XunitException("A record from the node did not open.");
            }
            _wireStart += consumed;
            if (_end + plaintext.Length > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + plaintext.Length));
            Buffer.BlockCopy(plaintext, 0, _buffer, _end, plaintext.Length);
            _end += plaintext.Length;
            lock (_receivedBytes) _receivedBytes.Write(plaintext, 0, plaintext.Length);
            return true;
        }

        public void Dispose()
        {
            _disposed.Cancel();
            if (_client != null) _client.Dispose();
            else _stream.Dispose();
            try
            {
                _capture?.Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
                // the loop ends by failing once the socket is gone
            }
        }
    }
}
