using System;
using System.Collections.Generic;
using Org.BouncyCastle.Crypto.Parameters;

using PSPeerChat.Settings;

namespace PSPeerChat.Identity
{
    /// <summary>
    /// Checks Ed25519 signatures. Decoded public keys are cached per key (bounded), because decoding a key costs
    /// about as much as half a verification and a flood brings the same origins again and again.
    /// </summary>
    internal sealed class SignatureVerifier
    {
        private readonly object _gate = new object();
        private readonly Dictionary<Id128, KeyValuePair<byte[], Ed25519PublicKeyParameters>> _keys = new Dictionary<Id128, KeyValuePair<byte[], Ed25519PublicKeyParameters>>();
        private readonly Queue<Id128> _order = new Queue<Id128>();

        /// <summary>True when <paramref name="signature"/> is the signature of the data by <paramref name="key"/>, whose id must be <paramref name="claimedId"/>.</summary>
        public bool Verify(Id128 claimedId, byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] signature, int signatureOffset)
        {
            Ed25519PublicKeyParameters publicKey = GetKey(claimedId, key, keyOffset);
            if (publicKey == null) return false;
            try
            {
                return publicKey.Verify(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, data, offset, length, signature, signatureOffset);
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        private Ed25519PublicKeyParameters GetKey(Id128 claimedId, byte[] key, int keyOffset)
        {
            lock (_gate)
            {
                if (_keys.TryGetValue(claimedId, out KeyValuePair<byte[], Ed25519PublicKeyParameters> cached))
                {
                    // The id is a hash of the key: a cached key for this id must be the same bytes.
                    byte[] encoded = cached.Key;
                    for (int i = 0; i < NodeIdentity.KeySize; i++)
                    {
                        if (encoded[i] != key[keyOffset + i]) return null;
                    }
                    return cached.Value;
                }
            }
            if (NodeIdentity.IdFromKey(key, keyOffset) != claimedId) return null;
            Ed25519PublicKeyParameters parsed;
            try
            {
                parsed = new Ed25519PublicKeyParameters(key, keyOffset);
            }
            catch (ArgumentException)
            {
                return null;
            }
            lock (_gate)
            {
                if (!_keys.ContainsKey(claimedId))
                {
                    if (_keys.Count >= Tunables.VerifierKeyCacheCapacity) _keys.Remove(_order.Dequeue());
                    _keys.Add(claimedId, new KeyValuePair<byte[], Ed25519PublicKeyParameters>(parsed.GetEncoded(), parsed));
                    _order.Enqueue(claimedId);
                }
            }
            return parsed;
        }
    }
}
