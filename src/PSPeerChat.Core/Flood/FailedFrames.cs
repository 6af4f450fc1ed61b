using System;
using System.Security.Cryptography;
using PSPeerChat.Identity;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// Frames this node already failed to open (DIRECTs addressed to it that did not decrypt or verify), by a hash of
    /// their bytes without the hop count. Opening costs an X25519 agreement and an AEAD pass (~0.2 ms); a repeat of
    /// the same junk costs one SHA-256 here instead. The genuine frame has other bytes, so it is never held back by
    /// this. Bounded: the oldest hash goes first (protocol.md §8.4).
    /// </summary>
    internal sealed class FailedFrames
    {
        [ThreadStatic] private static SHA256 t_sha;

        private readonly BoundedSet<Id128> _hashes;

        public FailedFrames(int capacity)
        {
            _hashes = new BoundedSet<Id128>(capacity);
        }

        /// <summary>The hash a frame is known by: every byte but the hop count (the last), which relays change.</summary>
        public static Id128 KeyOf(byte[] frame)
        {
            SHA256 sha = t_sha ?? (t_sha = SHA256.Create());
            return Id128.Read(sha.ComputeHash(frame, 0, frame.Length - 1), 0);
        }

        public bool Contains(Id128 key) => _hashes.Contains(key);

        public void Add(Id128 key) => _hashes.Add(key);
    }
}
