namespace PSPeerChat.Crypto
{
    /// <summary>
    /// The encoding rules of protocol.md §8.2 that every backend applies before its library's own check, so two
    /// nodes with different backends never disagree on a signature (a split flood): S must be below the group order L,
    /// A and R must be canonical encodings (y &lt; p) and not one of the low-order points. These are comparisons of bytes
    /// with constants, not curve arithmetic; the arithmetic stays in the libraries. libsodium's
    /// crypto_sign_verify_detached refuses the same inputs (and more narrowly encoded ones: see the tests), BouncyCastle
    /// refuses only some of them by itself.
    /// </summary>
    internal static class Ed25519Rules
    {
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1).
        private static readonly byte[] Order =
        {
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
        };

        // The low-order points of edwards25519 without their sign bit (the sign bit is compared apart), canonical
        // encodings only: y = 0 (order 4), y = 1 (order 1), y = -1 (order 2) and the two y of order 8. Non-canonical
        // encodings (y >= p) are refused before this list is read. Source: C2SP/CCTV ed25519/README.md.
        private static readonly byte[][] LowOrderY =
        {
            Hex("0000000000000000000000000000000000000000000000000000000000000000"),
            Hex("0100000000000000000000000000000000000000000000000000000000000000"),
            Hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            Hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
            Hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
        };

        /// <summary>True for a public key §8.2 admits: canonical and not of small order. Whether it is a point at all is the library's check.</summary>
        public static bool IsAcceptableKey(byte[] key, int offset) => IsCanonicalPoint(key, offset) && !IsLowOrderPoint(key, offset);

        /// <summary>True when the S and R halves of a signature are acceptable encodings (§8.2); the equation is the library's check.</summary>
        public static bool IsAcceptableSignature(byte[] signature, int offset)
        {
            return IsCanonicalScalar(signature, offset + 32) && IsCanonicalPoint(signature, offset) && !IsLowOrderPoint(signature, offset);
        }

        /// <summary>The message and the 64-byte signature lie inside their arrays: an argument check, the same on every backend.</summary>
        public static bool InRange(byte[] data, int offset, int length, byte[] signature, int signatureOffset)
        {
            if (data == null || signature == null) return false;
            if (offset < 0 || length < 0 || offset > data.Length - length) return false;
            return signatureOffset >= 0 && signatureOffset <= signature.Length - 64;
        }

        /// <summary>S &lt; L, compared from the most significant byte (variable time: S is public).</summary>
        public static bool IsCanonicalScalar(byte[] s, int offset)
        {
            for (int i = 31; i >= 0; i--)
            {
                if (s[offset + i] < Order[i]) return true;
                if (s[offset + i] > Order[i]) return false;
            }
            return false; // S == L
        }

        /// <summary>The y coordinate (the 255 low bits) is below p = 2^255 - 19.</summary>
        public static bool IsCanonicalPoint(byte[] point, int offset)
        {
            if ((point[offset + 31] & 0x7f) != 0x7f) return true;
            for (int i = 30; i >= 1; i--)
            {
                if (point[offset + i] != 0xff) return true;
            }
            return point[offset] < 0xed;
        }

        /// <summary>A canonical encoding of one of the eight points of order 1, 2, 4 or 8, with either sign bit.</summary>
        public static bool IsLowOrderPoint(byte[] point, int offset)
        {
            foreach (byte[] y in LowOrderY)
            {
                bool same = true;
                for (int i = 0; i < 31 && same; i++) same = point[offset + i] == y[i];
                if (same && (point[offset + 31] & 0x7f) == y[31]) return true;
            }
            return false;
        }

        private static byte[] Hex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = System.Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return bytes;
        }
    }
}
