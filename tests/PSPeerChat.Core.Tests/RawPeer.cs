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
using PSPeerChat.Transport;
using Xunit.Sdk;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A hand-driven TCP client: sends exact bytes, reads frames or lines with a deadline. It can complete the
    /// version-2 handshake (HELLO, then AUTH) with its own identity, and can record everything a node sends it.
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
        public static async Task<RawPeer> JoinAsync(MemoryNetwork network, PeerNode node, NodeIdentity identity = null, string name = "raw", ulong token = 0x0123456789ABCDEFUL)
        {
            RawPeer raw = await ConnectAsync(network, node.Port);
            try
            {
                await raw.HandshakeAsync(identity ?? NodeIdentity.Create(), name, token);
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

        /// <summary>The node's HELLO as this raw peer received it.</summary>
        public HelloFrame RemoteHello { get; private set; }

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
        /// The dialler's side of the handshake (protocol.md §3.1): HELLO out; the acceptor's HELLO (token echoed) in; our
        /// AUTH out; the acceptor's AUTH in, verified against its key. The node registers the link before it sends
        /// that AUTH.
        /// </summary>
        public async Task<HelloFrame> HandshakeAsync(NodeIdentity identity, string name, ulong token, ushort listenPort = 0)
        {
            byte[] hello = HelloFrame.Encode(identity, token, listenPort, name, Frames.RandomNonce());
            byte[] helloBody = Frames.Body(hello);
            await SendAsync(hello);

            byte[] reply = await ReadFrameAsync(TestNetwork.Wait);
            ThrowIfRefused(reply, "answering the HELLO");
            HelloFrame remote = HelloFrame.TryDecode(reply, 0, reply.Length, out string error);
            if (remote == null) throw new XunitException("The node's first frame is not a HELLO: " + error);
            if (remote.LinkToken != token) throw new XunitException("The node did not echo the link token.");

            await SendAsync(AuthFrame.Encode(identity, AuthFrame.DiallerRole, helloBody, remote.Body));
            byte[] auth = await ReadFrameAsync(TestNetwork.Wait);
            ThrowIfRefused(auth, "after our AUTH");
            if (auth[0] != (byte)FrameType.Auth) throw new XunitException("The node's second frame is not an AUTH.");
            if (!AuthFrame.Verify(new SignatureVerifier(), remote.NodeId, remote.SigningKey, AuthFrame.AcceptorRole, helloBody, remote.Body, auth, 0, auth.Length))
                throw new XunitException("The node's AUTH does not verify against the key in its HELLO.");
            Identity = identity;
            RemoteHello = remote;
            return remote;
        }

        private static void ThrowIfRefused(byte[] frame, string when)
        {
            if (frame == null) throw new XunitException("The node closed the socket instead of " + when + ".");
            if (frame[0] != (byte)FrameType.Close) return;
            CloseFrame.Decode(frame, 0, frame.Length, out CloseReason reason, out string detail);
            throw new XunitException("The node refused the handshake " + when + ": " + reason + " (" + detail + ").");
        }

        public async Task SendAsync(byte[] bytes)
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

        public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

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

        /// <summary>Every byte the node has sent on this socket so far, length prefixes included.</summary>
        public byte[] ReceivedBytes()
        {
            lock (_receivedBytes) return _receivedBytes.ToArray();
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
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancel);
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
            lock (_receivedBytes) _receivedBytes.Write(_buffer, _end, n);
            _end += n;
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
