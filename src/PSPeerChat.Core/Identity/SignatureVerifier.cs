using System;
using System.Collections.Generic;
using PSPeerChat.Crypto;
using PSPeerChat.Settings;

namespace PSPeerChat.Identity
{
    /// <summary>
    /// Checks Ed25519 signatures with one <see cref="ICryptoBackend"/> (protocol.md §8.2). Decoded public keys are cached
    /// per key (bounded), because decoding a key costs about as much as half a verification (BouncyCastle) and a flood
    /// brings the same origins again and again.
    /// </summary>
    internal sealed class SignatureVerifier
    {
        private readonly object _gate = new object();
        private readonly ICryptoBackend _crypto;
        private readonly Dictionary<Id128, Ed25519PublicKey> _keys = new Dictionary<Id128, Ed25519PublicKey>();
        private readonly Queue<Id128> _order = new Queue<Id128>();

        /// <summary>A verifier on <paramref name="crypto"/>; null is the process's backend (<see cref="CryptoBackends.Current"/>).</summary>
        public SignatureVerifier(ICryptoBackend crypto = null)
        {
            _crypto = crypto ?? CryptoBackends.Current;
        }

        /// <summary>True when <paramref name="signature"/> is the signature of the data by <paramref name="key"/>, whose id must be <paramref name="claimedId"/>.</summary>
        public bool Verify(Id128 claimedId, byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] signature, int signatureOffset)
        {
            Ed25519PublicKey publicKey = GetKey(claimedId, key, keyOffset);
            return publicKey != null && publicKey.Verify(data, offset, length, signature, signatureOffset);
        }

        private Ed25519PublicKey GetKey(Id128 claimedId, byte[] key, int keyOffset)
        {
            lock (_gate)
            {
                if (_keys.TryGetValue(claimedId, out Ed25519PublicKey cached))
                {
                    // The id is a hash of the key: a cached key for this id must be the same bytes.
                    byte[] encoded = cached.Encoded;
                    for (int i = 0; i < NodeIdentity.KeySize; i++)
                    {
                        if (encoded[i] != key[keyOffset + i]) return null;
                    }
                    return cached;
                }
            }
            if (NodeIdentity.IdFromKey(key, keyOffset) != claimedId) return null;
            Ed25519PublicKey parsed = _crypto.PublicKey(key, keyOffset);
            if (parsed == null) return null;
            lock (_gate)
            {
                if (!_keys.ContainsKey(claimedId))
                {
                    if (_keys.Count >= Tunables.VerifierKeyCacheCapacity) _keys.Remove(_order.Dequeue());
                    _keys.Add(claimedId, parsed);
                    _order.Enqueue(claimedId);
                }
            }
            return parsed;
        }
    }
}
