using System;
using PSPeerChat.Crypto;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>
    /// The Noise CipherState (Noise specification rev 34, §5.1) for ChaChaPoly: a key k, possibly empty, and a
    /// 64-bit nonce n. ENCRYPT is ChaCha20-Poly1305 (RFC 8439) of the process's crypto backend (libsodium or BouncyCastle,
    /// <see cref="CryptoBackends"/>) with the 96-bit nonce of §12.3: four zero bytes and n little-endian. Not
    /// thread-safe: one owner sends or receives with it.
    /// </summary>
    internal sealed class CipherState
    {
        public const int KeySize = 32;
        public const int TagSize = 16;

        /// <summary>2^64-1: reserved by §5.1 (Rekey uses it), never a message nonce.</summary>
        public const ulong MaxNonce = ulong.MaxValue;

        private readonly ChaChaPoly _aead;
        private readonly byte[] _iv = new byte[12];
        private byte[] _k;

        /// <summary>A cipher state on <paramref name="crypto"/>; null is the process's backend.</summary>
        public CipherState(ICryptoBackend crypto = null)
        {
            _aead = (crypto ?? CryptoBackends.Current).ChaChaPoly();
        }

        /// <summary>The nonce of the next message.</summary>
        public ulong Nonce { get; private set; }

        public bool HasKey => _k != null;

        /// <summary>InitializeKey(key): sets k (null empties it) and n = 0.</summary>
        public void InitializeKey(byte[] key)
        {
            if (key != null && key.Length != KeySize) throw new ArgumentException("A ChaChaPoly key is 32 bytes.", nameof(key));
            _k = key == null ? null : (byte[])key.Clone();
            _aead.SetKey(_k);
            Nonce = 0;
        }

        /// <summary>SetNonce(nonce), for out-of-order transports; the records of protocol.md §9 never use it.</summary>
        public void SetNonce(ulong nonce) => Nonce = nonce;

        /// <summary>EncryptWithAd(ad, plaintext): the plaintext itself while k is empty, else ciphertext and 16-byte tag.</summary>
        public byte[] EncryptWithAd(byte[] ad, byte[] plaintext, int offset, int count)
        {
            CheckRange(plaintext, offset, count);
            if (_k == null) return Copy(plaintext, offset, count);
            byte[] output = new byte[count + TagSize];
            EncryptWithAd(ad, plaintext, offset, count, output, 0);
            return output;
        }

        /// <summary>EncryptWithAd into <paramref name="output"/> (room for count + 16 bytes); returns the bytes written. Needs a key.</summary>
        public int EncryptWithAd(byte[] ad, byte[] plaintext, int offset, int count, byte[] output, int outputOffset)
        {
            CheckRange(plaintext, offset, count);
            if (_k == null) throw new NoiseException("No key to encrypt with.");
            if (Nonce == MaxNonce) throw new NoiseException("The nonce is exhausted; the link must close.");
            int written = Process(true, Nonce, ad, plaintext, offset, count, output, outputOffset);
            Nonce++;
            return written;
        }

        /// <summary>
        /// DecryptWithAd(ad, ciphertext): the plaintext, or <see cref="NoiseException"/> when the tag does not verify, in
        /// which case n is not advanced (§5.1) and the caller must treat the link as failed.
        /// </summary>
        public byte[] DecryptWithAd(byte[] ad, byte[] ciphertext, int offset, int count)
        {
            CheckRange(ciphertext, offset, count);
            if (_k == null) return Copy(ciphertext, offset, count);
            if (count < TagSize) throw new NoiseException("A ciphertext is shorter than its tag.");
            byte[] output = new byte[count - TagSize];
            DecryptWithAd(ad, ciphertext, offset, count, output, 0);
            return output;
        }

        /// <summary>DecryptWithAd into <paramref name="output"/> (room for count - 16 bytes); returns the plaintext length. Needs a key.</summary>
        public int DecryptWithAd(byte[] ad, byte[] ciphertext, int offset, int count, byte[] output, int outputOffset)
        {
            CheckRange(ciphertext, offset, count);
            if (_k == null) throw new NoiseException("No key to decrypt with.");
            if (Nonce == MaxNonce) throw new NoiseException("The nonce is exhausted; the link must close.");
            if (count < TagSize) throw new NoiseException("A ciphertext is shorter than its tag.");
            int written = Process(false, Nonce, ad, ciphertext, offset, count, output, outputOffset);
            Nonce++;
            return written;
        }

        /// <summary>Rekey() per §4.2 and §5.1: k = the first 32 bytes of ENCRYPT(k, 2^64-1, zerolen, 32 zeros); n is kept.</summary>
        public void Rekey()
        {
            if (_k == null) throw new NoiseException("Rekey needs a key.");
            byte[] output = new byte[KeySize + TagSize];
            Process(true, MaxNonce, Array.Empty<byte>(), new byte[KeySize], 0, KeySize, output, 0);
            byte[] key = new byte[KeySize];
            Buffer.BlockCopy(output, 0, key, 0, KeySize);
            Array.Clear(_k, 0, _k.Length);
            _k = key;
            _aead.SetKey(_k);
        }

        /// <summary>Forgets the key (after the link closes).</summary>
        public void Clear()
        {
            if (_k != null) Array.Clear(_k, 0, _k.Length);
            _k = null;
            _aead.SetKey(null);
        }

        private int Process(bool encrypt, ulong nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset)
        {
            for (int i = 0; i < 8; i++) _iv[4 + i] = (byte)(nonce >> (8 * i));
            int expected = encrypt ? count + TagSize : count - TagSize;
            if (output == null || outputOffset < 0 || output.Length - outputOffset < expected) throw new ArgumentException("The output has no room for " + expected + " bytes.", nameof(output));
            if (encrypt) return _aead.Seal(_iv, ad, input, offset, count, output, outputOffset);
            int written = _aead.Open(_iv, ad, input, offset, count, output, outputOffset);
            if (written < 0) throw new NoiseException("A message or record failed to decrypt.");
            return written;
        }

        private static void CheckRange(byte[] buffer, int offset, int count)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset > buffer.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
        }

        private static byte[] Copy(byte[] buffer, int offset, int count)
        {
            byte[] copy = new byte[count];
            Buffer.BlockCopy(buffer, offset, copy, 0, count);
            return copy;
        }
    }
}
