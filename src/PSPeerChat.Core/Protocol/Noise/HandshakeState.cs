using System;
using System.IO;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>
    /// The Noise HandshakeState (Noise specification rev 34, §5.3) for Noise_XX_25519_ChaChaPoly_SHA256, no pre-messages:
    /// <code>
    ///   -> e
    ///   &lt;- e, ee, s, es
    ///   -> s, se
    /// </code>
    /// DH is BouncyCastle's X25519. Every message is at most 65,535 bytes (§3). Any failure throws
    /// <see cref="NoiseException"/> and leaves the state failed: every later call throws too. Not thread-safe.
    /// </summary>
    internal sealed class HandshakeState
    {
        public const string ProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";

        /// <summary>Largest Noise message (§3), handshake or transport.</summary>
        public const int MaxMessageSize = 65535;

        /// <summary>DHLEN for 25519.</summary>
        public const int DhSize = 32;

        private enum Token { E, S, EE, ES, SE }

        /// <summary>The XX message patterns, initiator first; even indexes are the initiator's.</summary>
        private static readonly Token[][] Pattern =
        {
            new[] { Token.E },
            new[] { Token.E, Token.EE, Token.S, Token.ES },
            new[] { Token.S, Token.SE },
        };

        private static readonly SecureRandom Random = new SecureRandom();

        private readonly SymmetricState _symmetric;
        private readonly X25519PrivateKeyParameters _s;
        private readonly byte[] _sPublic;
        private X25519PrivateKeyParameters _e;
        private byte[] _rs;
        private byte[] _re;
        private int _message;
        private bool _failed;
        private CipherState _send;
        private CipherState _receive;

        /// <summary>
        /// Initialize(XX, initiator, prologue, s, e): the local static key pair must be given; the ephemeral one only by
        /// tests (the Noise test vectors), otherwise it is made from the cryptographic RNG when the pattern needs it.
        /// </summary>
        public HandshakeState(bool initiator, byte[] prologue, X25519PrivateKeyParameters localStatic, X25519PrivateKeyParameters localEphemeral = null)
        {
            IsInitiator = initiator;
            _s = localStatic ?? throw new ArgumentNullException(nameof(localStatic));
            _sPublic = localStatic.GeneratePublicKey().GetEncoded();
            _e = localEphemeral;
            _symmetric = new SymmetricState(ProtocolName);
            _symmetric.MixHash(prologue ?? Array.Empty<byte>());
        }

        public bool IsInitiator { get; }

        /// <summary>True when the next call is <see cref="WriteMessage"/> (false once complete or failed).</summary>
        public bool IsMyTurnToWrite => !_failed && !IsComplete && (_message % 2 == 0) == IsInitiator;

        /// <summary>True after the last message was written or read; the transport ciphers are then ready.</summary>
        public bool IsComplete => _message == Pattern.Length;

        public byte[] LocalStaticPublicKey => (byte[])_sPublic.Clone();

        /// <summary>The peer's static public key once its "s" token was read (message 2 for the initiator, 3 for the responder).</summary>
        public byte[] RemoteStaticPublicKey => _rs == null ? null : (byte[])_rs.Clone();

        /// <summary>h: after completion, the handshake hash that both sides share (§11.2, channel binding).</summary>
        public byte[] HandshakeHash => _symmetric.HandshakeHash;

        /// <summary>The CipherState for what this side sends after the handshake (the first of Split() for the initiator).</summary>
        public CipherState SendCipher => IsComplete ? _send : throw new NoiseException("The handshake is not complete.");

        /// <summary>The CipherState for what this side receives after the handshake.</summary>
        public CipherState ReceiveCipher => IsComplete ? _receive : throw new NoiseException("The handshake is not complete.");

        /// <summary>WriteMessage(payload): the next handshake message, with the payload encrypted once a key exists.</summary>
        public byte[] WriteMessage(byte[] payload)
        {
            if (payload == null) throw new ArgumentNullException(nameof(payload));
            if (!IsMyTurnToWrite) throw Fail("It is not this side's turn to write a handshake message.");
            try
            {
                var buffer = new MemoryStream();
                foreach (Token token in Pattern[_message])
                {
                    switch (token)
                    {
                        case Token.E:
                            if (_e == null) _e = new X25519PrivateKeyParameters(Random);
                            byte[] ePublic = _e.GeneratePublicKey().GetEncoded();
                            buffer.Write(ePublic, 0, ePublic.Length);
                            _symmetric.MixHash(ePublic);
                            break;
                        case Token.S:
                            byte[] sealedStatic = _symmetric.EncryptAndHash(_sPublic);
                            buffer.Write(sealedStatic, 0, sealedStatic.Length);
                            break;
                        default:
                            MixDh(token);
                            break;
                    }
                }
                byte[] sealedPayload = _symmetric.EncryptAndHash(payload);
                buffer.Write(sealedPayload, 0, sealedPayload.Length);
                if (buffer.Length > MaxMessageSize) throw new NoiseException("A handshake message would exceed 65535 bytes.");
                Advance();
                return buffer.ToArray();
            }
            catch (Exception e)
            {
                throw Fail(e is NoiseException ? e.Message : "The handshake failed: " + e.Message);
            }
        }

        /// <summary>ReadMessage(message): the peer's payload, or <see cref="NoiseException"/> for a malformed or forged message.</summary>
        public byte[] ReadMessage(byte[] message, int offset, int count)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            if (offset < 0 || count < 0 || offset > message.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
            if (_failed || IsComplete || IsMyTurnToWrite) throw Fail("It is not this side's turn to read a handshake message.");
            try
            {
                if (count > MaxMessageSize) throw new NoiseException("A handshake message exceeds 65535 bytes.");
                int end = offset + count;
                foreach (Token token in Pattern[_message])
                {
                    switch (token)
                    {
                        case Token.E:
                            _re = Take(message, ref offset, end, DhSize);
                            _symmetric.MixHash(_re);
                            break;
                        case Token.S:
                            byte[] sealedStatic = Take(message, ref offset, end, DhSize + (_symmetric.HasKey ? CipherState.TagSize : 0));
                            _rs = _symmetric.DecryptAndHash(sealedStatic);
                            break;
                        default:
                            MixDh(token);
                            break;
                    }
                }
                byte[] payload = _symmetric.DecryptAndHash(Take(message, ref offset, end, end - offset));
                Advance();
                return payload;
            }
            catch (Exception e)
            {
                throw Fail(e is NoiseException ? e.Message : "The handshake failed: " + e.Message);
            }
        }

        /// <summary>ee, es, se per §5.3: es is DH(e, rs) for the initiator and DH(s, re) for the responder; se the mirror.</summary>
        private void MixDh(Token token)
        {
            X25519PrivateKeyParameters local;
            byte[] remote;
            switch (token)
            {
                case Token.EE: local = _e; remote = _re; break;
                case Token.ES: local = IsInitiator ? _e : _s; remote = IsInitiator ? _rs : _re; break;
                default: local = IsInitiator ? _s : _e; remote = IsInitiator ? _re : _rs; break;
            }
            if (local == null || remote == null) throw new NoiseException("A DH token came before its keys.");
            byte[] shared = new byte[DhSize];
            try
            {
                // BouncyCastle refuses an all-zero result (a low-order public key): the handshake fails.
                local.GenerateSecret(new X25519PublicKeyParameters(remote, 0), shared, 0);
            }
            catch (InvalidOperationException)
            {
                throw new NoiseException("The peer sent an unusable X25519 key.");
            }
            _symmetric.MixKey(shared);
            Array.Clear(shared, 0, shared.Length);
        }

        private void Advance()
        {
            _message++;
            if (!IsComplete) return;
            var (first, second) = _symmetric.Split();
            _send = IsInitiator ? first : second;
            _receive = IsInitiator ? second : first;
            _e = null;
        }

        private NoiseException Fail(string reason)
        {
            _failed = true;
            return new NoiseException(reason);
        }

        private static byte[] Take(byte[] message, ref int offset, int end, int count)
        {
            if (count < 0 || end - offset < count) throw new NoiseException("A handshake message is too short.");
            byte[] part = new byte[count];
            Buffer.BlockCopy(message, offset, part, 0, count);
            offset += count;
            return part;
        }
    }
}
