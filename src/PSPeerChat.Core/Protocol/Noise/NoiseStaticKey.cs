using System;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>
    /// A node's Noise static key pair and its identity payload (protocol.md §9.3), signed once: a node makes one at each
    /// start, so answering a handshake costs key agreement only, never a signature. The key is never the node's
    /// X25519 key for direct messages (§8.4), and it is not kept on disk.
    /// </summary>
    internal sealed class NoiseStaticKey
    {
        private static readonly SecureRandom Random = new SecureRandom();

        public NoiseStaticKey(NodeIdentity identity, X25519PrivateKeyParameters key)
        {
            Identity = identity ?? throw new ArgumentNullException(nameof(identity));
            Key = key ?? throw new ArgumentNullException(nameof(key));
            Payload = IdentityPayload.Encode(identity, key.GeneratePublicKey().GetEncoded());
        }

        /// <summary>A key with a given payload: tests forge one (another node's payload, this key).</summary>
        internal NoiseStaticKey(NodeIdentity identity, X25519PrivateKeyParameters key, byte[] payload)
        {
            Identity = identity ?? throw new ArgumentNullException(nameof(identity));
            Key = key ?? throw new ArgumentNullException(nameof(key));
            Payload = payload ?? throw new ArgumentNullException(nameof(payload));
        }

        /// <summary>A fresh static key for <paramref name="identity"/>.</summary>
        public static NoiseStaticKey Create(NodeIdentity identity) => new NoiseStaticKey(identity, new X25519PrivateKeyParameters(Random));

        public NodeIdentity Identity { get; }

        public X25519PrivateKeyParameters Key { get; }

        /// <summary>The signed identity payload for this key (129 bytes); shared, never modified.</summary>
        public byte[] Payload { get; }
    }
}
