using System;
using System.Text;
using PSPeerChat.Identity;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// Private channels (protocol.md §3.12): the key is Argon2id of the passphrase (64 MiB, 3 passes, 1 lane, 32 bytes)
    /// salted with "PSPeerChat channel v5 " and the lower-cased channel name; a sealed MESSAGE's text bytes are
    /// nonce(12) ‖ ChaCha20-Poly1305(key, nonce, plaintext, AD = originId ‖ messageId ‖ channel bytes).
    /// </summary>
    internal static class ChannelSeal
    {
        public const int KeySize = 32;
        public const int NonceSize = 12;
        public const int TagSize = 16;

        /// <summary>Bytes sealing adds to the text: the nonce and the tag.</summary>
        public const int Overhead = NonceSize + TagSize;

        /// <summary>Longest plaintext a sealed MESSAGE can carry (its sealed text must fit ProtocolLimits.MaxTextBytes).</summary>
        public const int MaxPlainBytes = ProtocolLimits.MaxTextBytes - Overhead;

        public const int MemoryKiB = 64 * 1024;
        public const int Iterations = 3;
        public const int Parallelism = 1;
        public const string SaltPrefix = "PSPeerChat channel v5 ";

        private static readonly SecureRandom Random = new SecureRandom();

        /// <summary>The channel's key; slow on purpose (about a second, protocol.md §3.12). The caller clears it when done.</summary>
        public static byte[] DeriveKey(string passphrase, string channel)
        {
            if (string.IsNullOrEmpty(passphrase)) throw new ArgumentException("The passphrase is empty.", nameof(passphrase));
            byte[] salt = Encoding.UTF8.GetBytes(SaltPrefix + channel.ToLowerInvariant());
            byte[] password = Encoding.UTF8.GetBytes(passphrase);
            try
            {
                var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
                    .WithVersion(Argon2Parameters.Version13)
                    .WithMemoryAsKB(MemoryKiB)
                    .WithIterations(Iterations)
                    .WithParallelism(Parallelism)
                    .WithSalt(salt)
                    .Build();
                var generator = new Argon2BytesGenerator();
                generator.Init(parameters);
                byte[] key = new byte[KeySize];
                generator.GenerateBytes(password, key);
                return key;
            }
            finally
            {
                Array.Clear(password, 0, password.Length);
            }
        }

        /// <summary>nonce ‖ ciphertext ‖ tag of <paramref name="plain"/> for a message of <paramref name="originId"/>.</summary>
        public static byte[] Seal(byte[] key, Id128 originId, Id128 messageId, byte[] channel, byte[] plain)
        {
            byte[] sealedText = new byte[NonceSize + plain.Length + TagSize];
            Random.NextBytes(sealedText, 0, NonceSize);
            ChaCha20Poly1305 aead = Aead(true, key, sealedText, originId, messageId, channel, 0, channel.Length);
            int n = aead.ProcessBytes(plain, 0, plain.Length, sealedText, NonceSize);
            aead.DoFinal(sealedText, NonceSize + n);
            return sealedText;
        }

        /// <summary>
        /// Opens the sealed text at <paramref name="offset"/> (<paramref name="length"/> bytes) of a received frame whose
        /// channel bytes sit at <paramref name="channelOffset"/>; null when it does not open (wrong key, or altered).
        /// </summary>
        public static byte[] TryOpen(byte[] key, Id128 originId, Id128 messageId, byte[] frame, int channelOffset, int channelLength, int offset, int length)
        {
            if (length < Overhead) return null;
            byte[] nonce = new byte[NonceSize];
            Buffer.BlockCopy(frame, offset, nonce, 0, NonceSize);
            ChaCha20Poly1305 aead = Aead(false, key, nonce, originId, messageId, frame, channelOffset, channelLength);
            byte[] plain = new byte[length - Overhead];
            try
            {
                int n = aead.ProcessBytes(frame, offset + NonceSize, length - NonceSize, plain, 0);
                aead.DoFinal(plain, n);
                return plain;
            }
            catch (InvalidCipherTextException)
            {
                return null;
            }
        }

        private static ChaCha20Poly1305 Aead(bool seal, byte[] key, byte[] nonce, Id128 originId, Id128 messageId, byte[] channel, int channelOffset, int channelLength)
        {
            byte[] ad = new byte[2 * Id128.Size + channelLength];
            originId.Write(ad, 0);
            messageId.Write(ad, Id128.Size);
            Buffer.BlockCopy(channel, channelOffset, ad, 2 * Id128.Size, channelLength);
            byte[] n = new byte[NonceSize];
            Buffer.BlockCopy(nonce, 0, n, 0, NonceSize);
            var aead = new ChaCha20Poly1305();
            aead.Init(seal, new AeadParameters(new KeyParameter(key), TagSize * 8, n, ad));
            return aead;
        }
    }
}
