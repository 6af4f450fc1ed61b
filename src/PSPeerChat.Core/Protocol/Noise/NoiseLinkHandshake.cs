using System;
using Org.BouncyCastle.Crypto.Parameters;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>
    /// One side of the encrypted link handshake (protocol.md §9.2): Noise XX with the identity payloads of §9.3.
    /// <code>
    ///   1. initiator -> responder: e                                      payload: empty
    ///   2. responder -> initiator: e, ee, s, es + responder's identity    (encrypted)
    ///   3. initiator -> responder: s, se + initiator's identity           (encrypted)
    /// </code>
    /// Each side checks the other's identity payload against the Noise static key the handshake authenticated; the
    /// initiator can also require the node id it meant to reach, and then never sends message 3 (nor its identity) to
    /// anyone else. Any failure throws <see cref="NoiseException"/>: the link is to be closed. Not thread-safe.
    /// </summary>
    internal sealed class NoiseLinkHandshake
    {
        private readonly HandshakeState _state;
        private readonly NodeIdentity _identity;
        private readonly byte[] _payload; // signed once per static key (NoiseStaticKey), or per message when null
        private readonly SignatureVerifier _verifier;
        private readonly Id128? _expectedRemote;
        private int _messages;
        private bool _failed;
        private bool _cipherTaken;

        /// <summary>A side whose identity payload is signed once per static key (<see cref="NoiseStaticKey"/>): what links use.</summary>
        public NoiseLinkHandshake(bool initiator, NoiseStaticKey local, byte[] prologue, SignatureVerifier verifier, Id128? expectedRemote = null)
            : this(initiator, local?.Identity, local?.Key, prologue, verifier, expectedRemote)
        {
            _payload = local.Payload;
        }

        /// <param name="initiator">True on the side that opened the connection.</param>
        /// <param name="identity">This node's identity; its Ed25519 key signs <paramref name="staticKey"/>.</param>
        /// <param name="staticKey">This node's Noise static key (X25519), e.g. one made at each start of the node.</param>
        /// <param name="prologue">Bytes both sides must agree on (e.g. the protocol version); they enter the handshake hash.</param>
        /// <param name="verifier">Checks the peer's signature.</param>
        /// <param name="expectedRemote">Initiator only, optional: the node id it dialled; any other fails the handshake before message 3.</param>
        /// <param name="ephemeral">Tests only: a fixed ephemeral key.</param>
        public NoiseLinkHandshake(bool initiator, NodeIdentity identity, X25519PrivateKeyParameters staticKey, byte[] prologue, SignatureVerifier verifier, Id128? expectedRemote = null, X25519PrivateKeyParameters ephemeral = null)
        {
            _identity = identity ?? throw new ArgumentNullException(nameof(identity));
            _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
            if (expectedRemote.HasValue && !initiator) throw new ArgumentException("Only the initiator knows whom it dialled.", nameof(expectedRemote));
            _expectedRemote = expectedRemote;
            _state = new HandshakeState(initiator, prologue, staticKey, ephemeral);
        }

        public bool IsInitiator => _state.IsInitiator;

        public bool IsMyTurnToWrite => !_failed && _state.IsMyTurnToWrite;

        public bool IsComplete => !_failed && _state.IsComplete;

        /// <summary>The peer, once its identity payload verified (after message 2 for the initiator, message 3 for the responder).</summary>
        public LinkIdentity RemoteIdentity { get; private set; }

        /// <summary>True when the handshake failed on the peer's identity payload (its signature does not bind the static key).</summary>
        public bool IdentityRejected { get; private set; }

        /// <summary>The handshake hash (channel binding), once complete.</summary>
        public byte[] HandshakeHash => IsComplete ? _state.HandshakeHash : throw new NoiseException("The handshake is not complete.");

        /// <summary>The next message this side sends (1 or 3 for the initiator, 2 for the responder).</summary>
        public byte[] WriteMessage()
        {
            if (_failed) throw new NoiseException("The handshake failed.");
            // Message 1 carries nothing: no key exists yet to encrypt an identity with.
            byte[] payload = _messages == 0 ? Array.Empty<byte>() : _payload ?? IdentityPayload.Encode(_identity, _state.LocalStaticPublicKey);
            byte[] message = _state.WriteMessage(payload);
            _messages++;
            return message;
        }

        /// <summary>Reads the peer's next message; checks its identity payload when it carries one.</summary>
        public void ReadMessage(byte[] message, int offset, int count)
        {
            if (_failed) throw new NoiseException("The handshake failed.");
            _failed = true; // until the message and its payload pass
            byte[] payload = _state.ReadMessage(message, offset, count);
            if (_messages == 0)
            {
                if (payload.Length != 0) throw new NoiseException("Message 1 must carry no payload.");
            }
            else
            {
                if (!IdentityPayload.TryVerify(_verifier, payload, _state.RemoteStaticPublicKey, out LinkIdentity remote))
                {
                    IdentityRejected = true;
                    throw new NoiseException("The peer's identity payload does not verify against its Noise static key.");
                }
                if (_expectedRemote.HasValue && remote.NodeId != _expectedRemote.Value)
                {
                    throw new NoiseException("The peer is not the node that was dialled.");
                }
                RemoteIdentity = remote;
            }
            _messages++;
            _failed = false;
        }

        /// <summary>The record cipher of the transport phase (§9.4): once, after completion.</summary>
        public RecordCipher CreateRecordCipher()
        {
            if (!IsComplete) throw new NoiseException("The handshake is not complete.");
            if (_cipherTaken) throw new NoiseException("The record cipher was already taken.");
            _cipherTaken = true;
            return new RecordCipher(_state);
        }
    }
}
