using System;
using System.Security.Cryptography;

namespace PSPeerChat.Protocol
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

        public static Id128 Read(byte[] buffer, int offset)
        {
            return new Id128(BigEndian.ReadUInt64(buffer, offset), BigEndian.ReadUInt64(buffer, offset + 8));
        }

        public void Write(byte[] buffer, int offset)
        {
            BigEndian.WriteUInt64(buffer, offset, High);
            BigEndian.WriteUInt64(buffer, offset + 8, Low);
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
