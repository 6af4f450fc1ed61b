using System;
using System.Net;
using System.Threading;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Timing;

namespace PSPeerChat.Links
{
    /// <summary>
    /// The PeerChat side of a link: the handshake (<see cref="LinkHandshake"/>) while the link is handshaking, then the
    /// control frames (CLOSE, PING and PONG) it answers itself; everything else (flooded, address and dial-back frames)
    /// goes to the node.
    /// </summary>
    internal sealed class LinkSession
    {
        private readonly Link _link;
        private readonly ILinkHost _host;
        private readonly LinkHandshake _handshake;
        private long _pingNonce;
        private long _pingSentMs = long.MinValue / 2;

        public LinkSession(Link link, ILinkHost host, LinkPump pump)
        {
            _link = link;
            _host = host;
            _handshake = new LinkHandshake(link, host, pump);
        }

        public LinkHandshake Handshake => _handshake;

        /// <summary>The dialler's first words.</summary>
        public void Begin() => _handshake.Begin();

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
                bool alive = _handshake.HandleFrame(type, buffer, body, length);
                if (alive && _link.State == PeerState.Connected && _link.Direction == PeerDirection.Inbound) PingIfDue(_host.Clock.NowMs(), 0); // a first round trip for LatencyMs
                return alive;
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
                case FrameType.DialBack:
                case FrameType.DialBackResult:
                case FrameType.HistoryRequest:
                case FrameType.CatchUp:
                case FrameType.HistoryEnd:
                case FrameType.Probe:
                case FrameType.Report:
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
                case FrameType.Noise:
                case FrameType.Intro:
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
                // A remote CLOSE Self proves nothing (it comes in the clear, from anyone on the path): only our own check
                // of message 2 says an address leads back to us (LinkHandshake.SelfDial), and only that verdict makes the
                // address book give the address up for good.
                CloseReason told = reason == CloseReason.Self ? CloseReason.ProtocolError : reason;
                _link.FailHandshake(new PeerConnectException(_link.Address, message, reason: told));
            }
            _link.Close(reason, detail, tellRemote: false, drain: true);
            return false;
        }
    }
}
