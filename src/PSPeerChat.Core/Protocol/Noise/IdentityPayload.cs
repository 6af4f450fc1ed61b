using System;
using System.Text;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>A peer's identity as its handshake payload proved it (protocol.md §9.3).</summary>
    internal sealed class LinkIdentity
    {
        public LinkIdentity(Id128 nodeId, byte[] signingKey, byte[] encryptionKey, byte[] noiseStaticKey)
        {
            NodeId = nodeId;
            SigningKey = signingKey;
            EncryptionKey = encryptionKey;
            NoiseStaticKey = noiseStaticKey;
        }

        /// <summary>The first 16 bytes of SHA-256 of <see cref="SigningKey"/> (§8.1).</summary>
        public Id128 NodeId { get; }

        /// <summary>The peer's Ed25519 public key.</summary>
        public byte[] SigningKey { get; }

        /// <summary>The peer's X25519 key for direct messages (§8.4), signed along with the Noise static key.</summary>
        public byte[] EncryptionKey { get; }

        /// <summary>The Noise static key the signature binds to the identity.</summary>
        public byte[] NoiseStaticKey { get; }
    }

    /// <summary>
    /// The identity payload of the XX handshake (protocol.md §9.3), after libp2p's Noise handshake: the node's Ed25519
    /// key signs its Noise static key, so the static key that the handshake authenticates is tied to the node id.
    /// The responder sends it in message 2, the initiator in message 3; message 1 carries none.
    /// <code>
    ///   0   1  version (1)
    ///   1  32  Ed25519 signing public key
    ///  33  32  X25519 encryption public key (direct messages, §8.4)
    ///  65  64  Ed25519 signature over Context || Noise static public key (32) || bytes 0..64 of this payload
    /// </code>
    /// </summary>
    internal static class IdentityPayload
    {
        public const byte Version = 1;
        public const int Size = 1 + NodeIdentity.KeySize + NodeIdentity.KeySize + NodeIdentity.SignatureSize;

        private const int SigningKeyOffset = 1;
        private const int EncryptionKeyOffset = SigningKeyOffset + NodeIdentity.KeySize;
        private const int SignatureOffset = EncryptionKeyOffset + NodeIdentity.KeySize;

        /// <summary>The signature's domain: no other signature of the protocol starts with these bytes (the NUL ends it).</summary>
        public static readonly byte[] Context = Encoding.ASCII.GetBytes("PSPeerChat noise static key v1\0");

        /// <summary>The payload for <paramref name="identity"/> and its Noise static public key.</summary>
        public static byte[] Encode(NodeIdentity identity, byte[] noiseStaticKey)
        {
            if (identity == null) throw new ArgumentNullException(nameof(identity));
            CheckKey(noiseStaticKey);
            byte[] payload = new byte[Size];
            payload[0] = Version;
            Buffer.BlockCopy(identity.SigningPublicKey, 0, payload, SigningKeyOffset, NodeIdentity.KeySize);
            Buffer.BlockCopy(identity.EncryptionPublicKey, 0, payload, EncryptionKeyOffset, NodeIdentity.KeySize);
            byte[] signed = SignedBytes(noiseStaticKey, payload);
            identity.Sign(signed, 0, signed.Length, payload, SignatureOffset);
            return payload;
        }

        /// <summary>
        /// Checks a received payload against the Noise static key the handshake authenticated: its size and version,
        /// and the signature by the key it carries. The node id is then the hash of that key. False for anything else.
        /// </summary>
        public static bool TryVerify(SignatureVerifier verifier, byte[] payload, byte[] noiseStaticKey, out LinkIdentity identity)
        {
            identity = null;
            if (verifier == null) throw new ArgumentNullException(nameof(verifier));
            if (payload == null || payload.Length != Size || payload[0] != Version) return false;
            if (noiseStaticKey == null || noiseStaticKey.Length != HandshakeState.DhSize) return false;
            Id128 id = NodeIdentity.IdFromKey(payload, SigningKeyOffset);
            byte[] signed = SignedBytes(noiseStaticKey, payload);
            if (!verifier.Verify(id, payload, SigningKeyOffset, signed, 0, signed.Length, payload, SignatureOffset)) return false;
            identity = new LinkIdentity(id, Slice(payload, SigningKeyOffset), Slice(payload, EncryptionKeyOffset), (byte[])noiseStaticKey.Clone());
            return true;
        }

        private static byte[] SignedBytes(byte[] noiseStaticKey, byte[] payload)
        {
            byte[] signed = new byte[Context.Length + HandshakeState.DhSize + SignatureOffset];
            Buffer.BlockCopy(Context, 0, signed, 0, Context.Length);
            Buffer.BlockCopy(noiseStaticKey, 0, signed, Context.Length, HandshakeState.DhSize);
            Buffer.BlockCopy(payload, 0, signed, Context.Length + HandshakeState.DhSize, SignatureOffset);
            return signed;
        }

        private static byte[] Slice(byte[] payload, int offset)
        {
            byte[] key = new byte[NodeIdentity.KeySize];
            Buffer.BlockCopy(payload, offset, key, 0, key.Length);
            return key;
        }

        private static void CheckKey(byte[] key)
        {
            if (key == null || key.Length != HandshakeState.DhSize) throw new ArgumentException("A Noise static key is 32 bytes.", nameof(key));
        }
    }
}
