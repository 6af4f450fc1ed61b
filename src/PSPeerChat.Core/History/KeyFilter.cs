using System;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using PSPeerChat.Identity;

namespace PSPeerChat.History
{
    /// <summary>
    /// A Bloom filter over seen keys (protocol.md §3.14): the requester of a history sync puts every key it holds in the
    /// window into one, and the neighbour sends what tests absent. Probe positions come from SipHash-2-4 of the key under
    /// the request's random salt (double hashing: position i = h1 + i·h2 mod the bit count), so a hostile origin cannot
    /// grind message ids that collide in filters it has not seen. A false positive only means a frame is not sent in this
    /// round: the filter never makes a node accept anything.
    /// </summary>
    internal sealed class KeyFilter
    {
        /// <summary>Bits per key aimed at (about 1 false positive in 2,000 with 11 probes), until the size cap.</summary>
        public const int BitsPerKey = 16;

        /// <summary>The probes per key that suit 16 bits per key.</summary>
        public const int DefaultHashes = 11;

        /// <summary>
        /// The smallest filter that holds a key: at 16 bits a key, a filter of one key was 16 bits, 11 of them set, and
        /// another key tested present about once in 65; the 1-in-2,000 rate holds only where bits are many.
        /// </summary>
        public const int MinBytes = 256;

        private readonly SipHash _mac = new SipHash(2, 4);
        private readonly byte[] _bits;
        private readonly int _hashes;
        private readonly byte[] _input = new byte[Id128.Size];

        public KeyFilter(byte[] salt, int hashes, byte[] bits)
        {
            _mac.Init(new KeyParameter(salt));
            _hashes = hashes;
            _bits = bits;
        }

        /// <summary>An empty filter sized for <paramref name="keys"/> keys, at most <paramref name="maxBytes"/> bytes.</summary>
        public static KeyFilter ForKeys(int keys, int maxBytes, byte[] salt)
        {
            long bytes = keys <= 0 ? 0 : Math.Max(MinBytes, ((long)keys * BitsPerKey + 7) / 8);
            return new KeyFilter(salt, DefaultHashes, new byte[(int)Math.Min(maxBytes, bytes)]);
        }

        public byte[] Bits => _bits;

        public int Hashes => _hashes;

        public void Add(Id128 key)
        {
            if (_bits.Length == 0) return;
            Positions(key, out uint h1, out uint h2);
            uint m = (uint)_bits.Length * 8;
            for (int i = 0; i < _hashes; i++)
            {
                uint bit = (uint)((h1 + (ulong)i * h2) % m);
                _bits[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            }
        }

        /// <summary>True when the key may be in the set (an empty filter holds nothing).</summary>
        public bool MayContain(Id128 key)
        {
            if (_bits.Length == 0) return false;
            Positions(key, out uint h1, out uint h2);
            uint m = (uint)_bits.Length * 8;
            for (int i = 0; i < _hashes; i++)
            {
                uint bit = (uint)((h1 + (ulong)i * h2) % m);
                if ((_bits[bit >> 3] & (1 << (int)(bit & 7))) == 0) return false;
            }
            return true;
        }

        private void Positions(Id128 key, out uint h1, out uint h2)
        {
            key.Write(_input, 0);
            _mac.BlockUpdate(_input, 0, _input.Length);
            ulong h = (ulong)_mac.DoFinal(); // DoFinal resets the MAC to its key for the next key
            h1 = (uint)h;
            h2 = (uint)(h >> 32) | 1; // odd: the probes of one key never all fall on one bit
        }
    }
}
