using System;
using System.Security.Cryptography;

namespace PSPeerChat.Identity
{
    /// <summary>A 128-bit identifier (node ids and message ids), compared by value.</summary>
    internal readonly struct Id128 : IEquatable<Id128>
    {
        public const int Size = 16;

        // One generator for the process: RandomNumberGenerator.Create() is thread-safe.
        private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();

        [ThreadStatic] private static byte[] t_scratch;

        public readonly ulong High;
        public readonly ulong Low;

        public Id128(ulong high, ulong low)
        {
            High = high;
            Low = low;
        }

        public bool IsEmpty => High == 0 && Low == 0;

        /// <summary>A fresh id from the cryptographic RNG (protocol.md §3: ids must be unguessable).</summary>
        public static Id128 NewRandom()
        {
            byte[] buffer = t_scratch ?? (t_scratch = new byte[Size]);
            Rng.GetBytes(buffer);
            return Read(buffer, 0);
        }

        /// <summary>Reads 16 bytes, most significant first (network order, as on the wire).</summary>
        public static Id128 Read(byte[] buffer, int offset)
        {
            ulong high = 0, low = 0;
            for (int i = 0; i < 8; i++)
            {
                high = (high << 8) | buffer[offset + i];
                low = (low << 8) | buffer[offset + 8 + i];
            }
            return new Id128(high, low);
        }

        /// <summary>Writes 16 bytes, most significant first.</summary>
        public void Write(byte[] buffer, int offset)
        {
            for (int i = 7; i >= 0; i--)
            {
                buffer[offset + i] = (byte)(High >> (8 * (7 - i)));
                buffer[offset + 8 + i] = (byte)(Low >> (8 * (7 - i)));
            }
        }

        public static bool TryParse(string text, out Id128 id)
        {
            id = default;
            if (text == null || text.Length != 32) return false;
            ulong high, low;
            if (!ulong.TryParse(text.Substring(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out high)) return false;
            if (!ulong.TryParse(text.Substring(16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out low)) return false;
            id = new Id128(high, low);
            return true;
        }

        public override string ToString() => High.ToString("x16") + Low.ToString("x16");

        public bool Equals(Id128 other) => High == other.High && Low == other.Low;

        public override bool Equals(object obj) => obj is Id128 other && Equals(other);

        public override int GetHashCode() => (High ^ (Low * 0x9E3779B97F4A7C15UL)).GetHashCode();

        public static bool operator ==(Id128 a, Id128 b) => a.Equals(b);

        public static bool operator !=(Id128 a, Id128 b) => !a.Equals(b);

        /// <summary>Orders ids as unsigned big-endian numbers (used by the duplicate-link rule).</summary>
        public int CompareTo(Id128 other)
        {
            int c = High.CompareTo(other.High);
            return c != 0 ? c : Low.CompareTo(other.Low);
        }
    }
}
