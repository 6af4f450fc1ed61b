using System;
using System.Diagnostics;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// The optional price of a MESSAGE or DIRECT (protocol.md §3.10): with flag bit 1 the frame ends in an 8-byte nonce
    /// and the hop count, and the first 8 bytes of SHA-256(nonce ‖ SHA-256(every body byte before the nonce)) must not
    /// exceed (2^64 − 1) / (D × (L + 1000)), L being the body's length. So a sender tries D × (L + 1000) nonces on
    /// average (Bitmessage's target, without its time-to-live term), and the work belongs to this one message.
    /// </summary>
    internal static class ProofOfWork
    {
        /// <summary>Bytes of the nonce, just before the hop count.</summary>
        public const int NonceSize = 8;

        /// <summary>Bytes counted on top of the frame's own, so that even a short message has a price (Bitmessage's payloadLengthExtraBytes).</summary>
        public const int ExtraBytes = 1000;

        /// <summary>The highest setting, in hashes per byte: a short message then takes some seconds, a long one minutes.</summary>
        public const int MaxDifficulty = 10000;

        // The nonce and the hop count follow the proven bytes.
        private const int Tail = NonceSize + 1;
        private const int TrialInput = NonceSize + 32;
        private const int DeadlineCheckEvery = 4096;

        [ThreadStatic] private static SHA256 t_sha;
        [ThreadStatic] private static Sha256Digest t_digest;
        [ThreadStatic] private static byte[] t_hash;

        /// <summary>True when a frame of this type with these flags carries a nonce (ANNOUNCE never does).</summary>
        public static bool Carries(FrameType type, MessageFlags flags) => type != FrameType.Announce && (flags & MessageFlags.ProofOfWork) != 0;

        /// <summary>The highest trial value that proves a body of <paramref name="bodyLength"/> bytes for <paramref name="difficulty"/> (at least 1).</summary>
        public static ulong Target(int difficulty, int bodyLength)
        {
            if (difficulty < 1 || difficulty > MaxDifficulty) throw new ArgumentOutOfRangeException(nameof(difficulty));
            return ulong.MaxValue / ((ulong)difficulty * (ulong)(bodyLength + ExtraBytes));
        }

        /// <summary>Nonces a sender tries on average: D × (L + 1000).</summary>
        public static double ExpectedHashes(int difficulty, int bodyLength) => (double)difficulty * (bodyLength + ExtraBytes);

        /// <summary>
        /// True when <paramref name="message"/> carries a proof good enough for <paramref name="difficulty"/> (above 0).
        /// Costs one SHA-256 over the frame and one over 40 bytes; nothing when the frame carries no nonce.
        /// </summary>
        public static bool IsProven(FloodMessage message, int difficulty)
        {
            if (!Carries(message.Type, message.Flags)) return false;
            byte[] input = InitialInput(message.Frame);
            ulong value = Trial(t_digest ?? (t_digest = new Sha256Digest()), input, t_hash ?? (t_hash = new byte[32]));
            return value <= Target(difficulty, message.Frame.Length - ProtocolLimits.LengthPrefix);
        }

        /// <summary>
        /// Searches the nonce that proves <paramref name="frame"/> (a whole frame whose flags carry bit 1) for
        /// <paramref name="difficulty"/> and writes it in. False when none was found within <paramref name="limit"/>.
        /// </summary>
        /// <param name="trials">Nonces tried.</param>
        public static bool TrySolve(byte[] frame, int difficulty, TimeSpan limit, out long trials)
        {
            int bodyLength = frame.Length - ProtocolLimits.LengthPrefix;
            ulong target = Target(difficulty, bodyLength);
            byte[] input = InitialInput(frame);
            byte[] hash = new byte[32];
            var digest = new Sha256Digest(); // managed: for 40 bytes a call it beats the platform's hash, which pays a call into native code each time
            long deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
            for (ulong nonce = 0; ; nonce++)
            {
                BigEndian.WriteUInt64(input, 0, nonce);
                if (Trial(digest, input, hash) <= target)
                {
                    trials = (long)nonce + 1;
                    Buffer.BlockCopy(input, 0, frame, frame.Length - Tail, NonceSize);
                    return true;
                }
                if ((nonce + 1) % DeadlineCheckEvery == 0 && Stopwatch.GetTimestamp() > deadline)
                {
                    trials = (long)nonce + 1;
                    return false;
                }
            }
        }

        /// <summary>The 40 bytes of a trial: the frame's nonce, then SHA-256 of the proven bytes (every body byte before the nonce).</summary>
        private static byte[] InitialInput(byte[] frame)
        {
            int proven = frame.Length - ProtocolLimits.LengthPrefix - Tail;
            if (proven < 1) throw new ArgumentException("The frame has no room for a proof of work.", nameof(frame));
            SHA256 sha = t_sha ?? (t_sha = SHA256.Create());
            byte[] input = new byte[TrialInput];
            Buffer.BlockCopy(frame, frame.Length - Tail, input, 0, NonceSize);
            Buffer.BlockCopy(sha.ComputeHash(frame, ProtocolLimits.LengthPrefix, proven), 0, input, NonceSize, 32);
            return input;
        }

        private static ulong Trial(Sha256Digest digest, byte[] input, byte[] hash)
        {
            digest.BlockUpdate(input, 0, TrialInput);
            digest.DoFinal(hash, 0);
            return BigEndian.ReadUInt64(hash, 0);
        }
    }
}
