using System;
using System.Net;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;

namespace PSPeerChat.Links
{
    /// <summary>
    /// The PeerChat handshake of one link (protocol.md §3.1, §9): in the clear the dialler's HELLO (protocol and version
    /// only) and the three Noise XX messages, which prove both identities and key the link; then, inside the records,
    /// one INTRO each way (link token, listen port, name). The acceptor registers on the dialler's INTRO and answers with
    /// its own as it registers; the dialler registers on that answer. Runs on the link's reader only.
    /// </summary>
    internal sealed class LinkHandshake
    {
        /// <summary>The handshake every PeerChat link of this version uses, as <c>Get-Peer</c> shows it.</summary>
        public const string Name = HandshakeState.ProtocolName;

        private enum Step
        {
            Hello,      // acceptor: the dialler's HELLO
            Message1,   // acceptor: Noise message 1
            Message2,   // dialler: Noise message 2
            Message3,   // acceptor: Noise message 3
            Intro,      // both: the other side's INTRO, inside the records
            Done,
        }

        private readonly Link _link;
        private readonly ILinkHost _host;
        private readonly LinkPump _pump;
        private NoiseLinkHandshake _noise;
        private Step _step;
        private LinkIdentity _remote;
        private byte[] _acceptorIntro; // queued as the link registers (BeforeConnected)

        public LinkHandshake(Link link, ILinkHost host, LinkPump pump)
        {
            _link = link;
            _host = host;
            _pump = pump;
            _step = link.Direction == PeerDirection.Outbound ? Step.Message2 : Step.Hello;
            if (link.Direction == PeerDirection.Outbound) LinkToken = (ulong)Id128.NewRandom().Low;
        }

        public Id128 RemoteId { get; private set; }

        /// <summary>RemoteId as 32 hex digits, made once (every delivered message names the link it came by).</summary>
        public string RemoteIdText { get; private set; }

        public string RemoteName { get; private set; }

        public byte[] RemoteEncryptionKey => _remote?.EncryptionKey;

        public IPEndPoint ListenEndPoint { get; private set; }

        public ulong LinkToken { get; private set; }

        /// <summary>True once both sides seal every frame (from Noise message 3 on).</summary>
        public bool IsEncrypted { get; private set; }

        /// <summary>The dialler's first words: HELLO and Noise message 1, in the clear.</summary>
        public void Begin()
        {
            byte[] hello = HelloFrame.Encode();
            _noise = new NoiseLinkHandshake(true, _host.NoiseKey, HelloFrame.BodyOf(hello), _host.Verifier);
            Send(hello);
            Send(NoiseFrame.Encode(_noise.WriteMessage()));
        }

        /// <summary>One frame while the link is handshaking; false when the link is done.</summary>
        public bool HandleFrame(FrameType type, byte[] buffer, int body, int length)
        {
            switch (_step)
            {
                case Step.Hello:
                    return AcceptHello(buffer, body, length);
                case Step.Message1:
                case Step.Message2:
                case Step.Message3:
                    if (type == FrameType.Addresses && _step == Step.Message2) return _host.OnFrame(_link, type, buffer, body, length); // a full node's alternatives
                    if (type != FrameType.Noise) return _link.Fail("expected Noise handshake message " + (_step - Step.Hello) + ", got frame type " + (byte)type);
                    return ReadNoise(buffer, body + 1, length - 1);
                case Step.Intro:
                    return CompleteIntro(type, buffer, body, length);
                default:
                    return _link.Fail("a handshake frame after the handshake");
            }
        }

        /// <summary>
        /// Called as the link table registers this link, before any other part of the node can see it: an acceptor
        /// queues its INTRO here, so it is the first frame the dialler gets inside the records.
        /// </summary>
        public void BeforeConnected()
        {
            byte[] intro = _acceptorIntro;
            _acceptorIntro = null;
            if (intro != null) Send(intro);
        }

        private void Send(byte[] frame) => _link.TryEnqueue(new OutboundFrame(frame, null), 0);

        /// <summary>The acceptor's first frame: which version, then room for one more link (protocol.md §3.1).</summary>
        private bool AcceptHello(byte[] buffer, int body, int length)
        {
            HelloFrame hello = HelloFrame.TryDecode(buffer, body, length, out string error);
            if (hello == null) return _link.Fail(error);
            if (hello.Version != ProtocolLimits.Version)
            {
                _link.Close(CloseReason.VersionMismatch, "version " + hello.Version + " offered; this node speaks " + ProtocolLimits.Version);
                return false;
            }
            string full = _host.AdmitInbound(_link, out byte[] alternatives);
            if (full != null)
            {
                Send(alternatives); // polite: other nodes to try (addresses only: this travels in the clear)
                _link.Close(CloseReason.Full, full);
                return false;
            }
            _noise = new NoiseLinkHandshake(false, _host.NoiseKey, hello.Body, _host.Verifier);
            _step = Step.Message1;
            return true;
        }

        private bool ReadNoise(byte[] buffer, int offset, int count)
        {
            try
            {
                _noise.ReadMessage(buffer, offset, count);
                if (_step == Step.Message1)
                {
                    Send(NoiseFrame.Encode(_noise.WriteMessage()));
                    _step = Step.Message3;
                    return true;
                }
                _remote = _noise.RemoteIdentity;
                _host.Stats.Verification(true);
                if (_remote.NodeId == _host.Identity.NodeId) return SelfDial();
                RemoteId = _remote.NodeId;
                RemoteIdText = RemoteId.ToString();
                if (_link.IsDialBack) return EndDialBack();
                if (_step == Step.Message2) Send(NoiseFrame.Encode(_noise.WriteMessage()));
            }
            catch (NoiseException ex)
            {
                if (_noise.IdentityRejected) _host.Stats.Verification(false);
                return _link.Fail("the Noise handshake failed: " + ex.Message);
            }

            // Both directions are keyed: from here every frame travels in records (protocol.md §9.4).
            RecordCipher records = _noise.CreateRecordCipher();
            IsEncrypted = true;
            _pump.ReceiveRecords(records);
            if (!_pump.SendRecords(records)) return _link.Fail("the send queue is full at the end of the handshake");
            if (_link.Direction == PeerDirection.Outbound) Send(_host.CreateIntro(LinkToken));
            _step = Step.Intro;
            return true;
        }

        /// <summary>
        /// The acceptor's Noise identity is our own: the address leads back to this node. Only this node can complete
        /// message 2 under its static key, answering our fresh ephemeral key, so this is no replay: the dial really
        /// reached this node (directly, or through something that forwards bytes to it).
        /// </summary>
        private bool SelfDial()
        {
            if (_link.Direction == PeerDirection.Inbound) return _link.Fail("a Noise identity equal to this node's own");
            _link.FailHandshake(new PeerConnectException(_link.Address, "Could not connect to " + _link.Address + ": the address leads back to this node (" + _host.Name + ").", reason: CloseReason.Self));
            _link.Close(CloseReason.Self, "this is " + _host.Name + " itself");
            return false;
        }

        /// <summary>
        /// A dial-back probe has what it came for: message 2 proved the node id of whoever listens there (protocol.md
        /// §3.11). It goes no further (no message 3, no INTRO, no registration), so it is no link, no duplicate and no
        /// address for the book; the prober reads RemoteId from the completed handshake.
        /// </summary>
        private bool EndDialBack()
        {
            _step = Step.Done;
            _link.CompleteHandshake(_link);
            _link.Close(CloseReason.DialBack, "dial-back done: " + _host.Name + " reached this node");
            return false;
        }

        /// <summary>The other side's INTRO, the first frame inside the records: then the link registers.</summary>
        private bool CompleteIntro(FrameType type, byte[] buffer, int body, int length)
        {
            IntroFrame intro = IntroFrame.TryDecode(buffer, body, length, out string error);
            if (intro == null) return _link.Fail(error);
            bool inbound = _link.Direction == PeerDirection.Inbound;
            if (inbound) LinkToken = intro.LinkToken;
            else if (intro.LinkToken != LinkToken) return _link.Fail("INTRO did not echo the link token");
            RemoteName = intro.Name;
            if (intro.ListenPort != 0 && _link.RemoteEndPoint != null)
            {
                ListenEndPoint = new IPEndPoint(Transport.EndPoints.Unmap(_link.RemoteEndPoint.Address), intro.ListenPort);
            }
            if (inbound) _acceptorIntro = _host.CreateIntro(LinkToken);
            _step = Step.Done;

            LinkRegistration registration = _host.Register(_link);
            if (!registration.IsAccepted)
            {
                if (registration.Kept != null) _link.CompleteHandshake(registration.Kept); // the caller of Connect gets the link that stays
                _link.Close(registration.Refusal, registration.Detail);
                return false;
            }
            // The acceptor's INTRO went out as it registered (BeforeConnected). The dialler registers on that INTRO, so
            // the acceptor has registered by then, and what a script sends next from either side crosses the new link.
            _link.CompleteHandshake(_link);
            return true;
        }
    }
}
