using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Timing;

namespace PSPeerChat.Links
{
    /// <summary>
    /// The PeerChat side of a link: the HELLO and AUTH handshake (protocol.md §3.1), then the control frames (CLOSE,
    /// PING and PONG) it answers itself; everything else (flooded and address frames) goes to the node.
    /// </summary>
    internal sealed class LinkSession
    {
        private readonly Link _link;
        private readonly ILinkHost _host;
        private readonly LinkPump _pump;
        private HelloFrame _remoteHello;
        private byte[] _localHelloBody;
        private byte[] _acceptorAuth; // signed before registration, queued as the link registers (BeforeConnected)
        private long _pingNonce;
        private long _pingSentMs = long.MinValue / 2;

        public LinkSession(Link link, ILinkHost host, LinkPump pump)
        {
            _link = link;
            _host = host;
            _pump = pump;
            if (link.Direction == PeerDirection.Outbound) LinkToken = (ulong)Id128.NewRandom().Low;
        }

        public Id128 RemoteId { get; private set; }

        /// <summary>RemoteId as 32 hex digits, made once (every delivered message names the link it came by).</summary>
        public string RemoteIdText { get; private set; }

        public string RemoteName => _remoteHello?.Name;

        public byte[] RemoteEncryptionKey => _remoteHello?.EncryptionKey;

        public IPEndPoint ListenEndPoint { get; private set; }

        public ulong LinkToken { get; private set; }

        /// <summary>The dialler's first words.</summary>
        public void SendHello()
        {
            byte[] hello = _host.CreateHello(LinkToken, NewNonce());
            _localHelloBody = HelloFrame.BodyOf(hello);
            _host.OwnHellos.Add(_localHelloBody);
            Send(hello);
        }

        /// <summary>The link ended or registered: its HELLO can no longer come back as a genuine self-dial.</summary>
        public void ForgetOwnHello()
        {
            if (_localHelloBody != null && _link.Direction == PeerDirection.Outbound) _host.OwnHellos.Remove(_localHelloBody);
        }

        public void PingIfDue(long now, long intervalMs)
        {
            if (now - Interlocked.Read(ref _pingSentMs) < intervalMs) return;
            long nonce = (long)Id128.NewRandom().Low;
            Interlocked.Exchange(ref _pingNonce, nonce);
            Interlocked.Exchange(ref _pingSentMs, now);
            Send(PingFrame.Encode(FrameType.Ping, (ulong)nonce));
        }

        /// <summary>Handles one frame; false when the link is done.</summary>
        public bool HandleFrame(byte[] buffer, int body, int length)
        {
            var type = (FrameType)buffer[body];
            if (_link.State == PeerState.Handshaking)
            {
                if (type == FrameType.Close) return HandleClose(buffer, body, length);
                if (type == FrameType.Addresses && _link.Direction == PeerDirection.Outbound) return _host.OnFrame(_link, type, buffer, body, length); // a full node's alternatives
                if (_remoteHello != null) return type == FrameType.Auth ? CompleteAuth(buffer, body, length) : _link.Fail("expected AUTH after HELLO");
                HelloFrame hello = HelloFrame.TryDecode(buffer, body, length, out string error);
                return hello == null ? _link.Fail(error) : AcceptHello(hello);
            }

            switch (type)
            {
                case FrameType.Message:
                case FrameType.Announce:
                case FrameType.Direct:
                    _link.Counters.MessageReceived();
                    return _host.OnFrame(_link, type, buffer, body, length);
                case FrameType.GetAddresses:
                case FrameType.Addresses:
                    return _host.OnFrame(_link, type, buffer, body, length);
                case FrameType.Close:
                    return HandleClose(buffer, body, length);
                case FrameType.Ping:
                    if (PingFrame.TryDecode(buffer, body, length, out ulong nonce)) Send(PingFrame.Encode(FrameType.Pong, nonce));
                    return true;
                case FrameType.Pong:
                    if (PingFrame.TryDecode(buffer, body, length, out ulong echoed) && (long)echoed == Interlocked.Read(ref _pingNonce))
                    {
                        _link.Counters.RoundTrip(Math.Max(0, _host.Clock.NowMs() - Interlocked.Read(ref _pingSentMs)));
                    }
                    return true;
                case FrameType.Hello:
                case FrameType.Auth:
                    return _link.Fail("a second " + type.ToString().ToUpperInvariant());
                default:
                    return true; // protocol.md §3: unknown frame types are skipped
            }
        }

        private void Send(byte[] frame) => _link.TryEnqueue(new OutboundFrame(frame, null), 0); // a full queue counts a send drop

        private bool HandleClose(byte[] buffer, int body, int length)
        {
            CloseFrame.Decode(buffer, body, length, out CloseReason reason, out string detail);
            if (_link.State == PeerState.Handshaking)
            {
                string message = "Could not connect to " + _link.Address + ": " + Link.DescribeClose(reason, detail, remote: true) + ".";
                _link.FailHandshake(new PeerConnectException(_link.Address, message, reason: reason));
            }
            _link.Close(reason, detail, tellRemote: false, drain: true);
            return false;
        }

        /// <summary>
        /// The remote HELLO (protocol.md §3.1): check version, id against key, self and token. The acceptor answers
        /// with its HELLO (or refuses when full) and signs nothing yet; the dialler answers with its AUTH.
        /// </summary>
        private bool AcceptHello(HelloFrame hello)
        {
            if (hello.Version != ProtocolLimits.Version)
            {
                _link.Close(CloseReason.VersionMismatch, "version " + hello.Version + " offered; this node speaks " + ProtocolLimits.Version);
                return false;
            }
            if (NodeIdentity.IdFromKey(hello.SigningKey, 0) != hello.NodeId) return _link.Fail("the node id in HELLO is not the hash of its key");
            RemoteId = hello.NodeId;
            RemoteIdText = hello.NodeId.ToString();
            if (hello.ListenPort != 0 && _link.RemoteEndPoint != null)
            {
                ListenEndPoint = new IPEndPoint(Transport.EndPoints.Unmap(_link.RemoteEndPoint.Address), hello.ListenPort);
            }
            _remoteHello = hello;
            if (hello.NodeId == _host.Identity.NodeId)
            {
                // Our id is public (it is in every HELLO and ANNOUNCE): only a HELLO this node itself is sending right now,
                // arriving on an inbound link, proves the address loops back (protocol.md §3.1). Anything else under our id
                // (our own HELLO reflected to us, or replayed) is a forgery: no Self verdict, which would make us give up
                // an address for good.
                if (_link.Direction == PeerDirection.Outbound || !_host.OwnHellos.Contains(hello.Body))
                {
                    return _link.Fail("a HELLO under this node's own id that it did not send on this link");
                }
                _link.FailHandshake(new PeerConnectException(_link.Address, "Could not connect to " + _link.Address + ": the address leads back to this node (" + _host.Name + ").", reason: CloseReason.Self));
                _link.Close(CloseReason.Self, "this is " + _host.Name + " itself");
                return false;
            }
            if (_link.Direction == PeerDirection.Inbound)
            {
                LinkToken = hello.LinkToken;
                string full = _host.AdmitInbound(_link, out byte[] alternatives);
                if (full != null)
                {
                    Send(alternatives); // polite: other nodes to try
                    _link.Close(CloseReason.Full, full);
                    return false;
                }
                byte[] helloFrame = _host.CreateHello(LinkToken, NewNonce());
                _localHelloBody = HelloFrame.BodyOf(helloFrame);
                Send(helloFrame);
                // No AUTH yet: the dialler proves its key first (its AUTH covers our fresh nonce, so a recorded or
                // replayed HELLO cannot pass), and only then do we sign (protocol.md §3.1, version 3).
            }
            else
            {
                if (hello.LinkToken != LinkToken) return _link.Fail("HELLO did not echo the link token");
                Send(AuthFrame.Encode(_host.Identity, AuthFrame.DiallerRole, _localHelloBody, hello.Body));
            }
            return true;
        }

        /// <summary>The remote AUTH: it proves the remote holds the key of the id it claimed; only then is the link registered.</summary>
        private bool CompleteAuth(byte[] buffer, int body, int length)
        {
            bool inbound = _link.Direction == PeerDirection.Inbound;
            byte role = inbound ? AuthFrame.DiallerRole : AuthFrame.AcceptorRole;
            byte[] diallerHello = inbound ? _remoteHello.Body : _localHelloBody;
            byte[] acceptorHello = inbound ? _localHelloBody : _remoteHello.Body;
            bool proven = AuthFrame.Verify(_host.Verifier, RemoteId, _remoteHello.SigningKey, role, diallerHello, acceptorHello, buffer, body, length);
            _host.Stats.Verification(proven);
            if (!proven) return _link.Fail("AUTH signature does not prove the key of " + RemoteId);
            // The dialler has proven its key: now we sign, here and not inside the link table's lock.
            if (inbound) _acceptorAuth = AuthFrame.Encode(_host.Identity, AuthFrame.AcceptorRole, _remoteHello.Body, _localHelloBody);

            LinkRegistration registration = _host.Register(_link);
            if (!registration.IsAccepted)
            {
                if (registration.Kept != null) _link.CompleteHandshake(registration.Kept); // the caller of Connect gets the link that stays
                _link.Close(registration.Refusal, registration.Detail);
                return false;
            }
            // The acceptor's AUTH went out as it registered (BeforeConnected). The dialler registers on that AUTH, so
            // the acceptor has registered by then, and what a script sends next from either side crosses the new link.
            if (inbound) PingIfDue(_host.Clock.NowMs(), 0); // a first round trip for LatencyMs
            _link.CompleteHandshake(_link);
            return true;
        }

        /// <summary>
        /// Called as the link table registers this link, before any other part of the node can see it: an acceptor
        /// queues its AUTH here, so it is the first frame the dialler gets after our HELLO (protocol.md §3.1).
        /// </summary>
        public void BeforeConnected()
        {
            byte[] auth = _acceptorAuth;
            _acceptorAuth = null;
            if (auth != null) Send(auth);
        }

        private static byte[] NewNonce()
        {
            byte[] nonce = new byte[HelloFrame.NonceSize];
            using (var rng = System.Security.Cryptography.RandomNumberGenerator.Create()) rng.GetBytes(nonce);
            return nonce;
        }
    }
}
