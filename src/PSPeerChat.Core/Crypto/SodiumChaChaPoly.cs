using System;

namespace PSPeerChat.Crypto
{
    /// <summary>libsodium's crypto_aead_chacha20poly1305_ietf_*: no managed allocation per call.</summary>
    internal sealed class SodiumChaChaPoly : ChaChaPoly
    {
        private readonly SodiumLibrary _library;
        private readonly byte[] _key = new byte[KeySize];
        private bool _hasKey;

        public SodiumChaChaPoly(SodiumLibrary library)
        {
            _library = library;
        }

        public override void SetKey(byte[] key)
        {
            if (key == null)
            {
                Array.Clear(_key, 0, KeySize);
                _hasKey = false;
                return;
            }
            if (key.Length != KeySize) throw new ArgumentException("A ChaCha20-Poly1305 key is 32 bytes.", nameof(key));
            Buffer.BlockCopy(key, 0, _key, 0, KeySize);
            _hasKey = true;
        }

        public override int Seal(byte[] nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset)
        {
            Check(nonce, input, offset, count, output, outputOffset, count + TagSize);
            int adLength = ad == null ? 0 : ad.Length;
            int result = _library.AeadEncrypt(ref SodiumBackend.At(output, outputOffset, count + TagSize), IntPtr.Zero, ref SodiumBackend.At(input, offset, count), (ulong)count,
                ref SodiumBackend.At(ad, 0, adLength), (ulong)adLength, IntPtr.Zero, ref nonce[0], ref _key[0]);
            if (result != 0) throw new InvalidOperationException("crypto_aead_chacha20poly1305_ietf_encrypt failed.");
            return count + TagSize;
        }

        public override int Open(byte[] nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset)
        {
            if (count < TagSize) return -1;
            Check(nonce, input, offset, count, output, outputOffset, count - TagSize);
            int adLength = ad == null ? 0 : ad.Length;
            int result = _library.AeadDecrypt(ref SodiumBackend.At(output, outputOffset, count - TagSize), IntPtr.Zero, IntPtr.Zero, ref input[offset], (ulong)count,
                ref SodiumBackend.At(ad, 0, adLength), (ulong)adLength, ref nonce[0], ref _key[0]);
            return result == 0 ? count - TagSize : -1;
        }

        private void Check(byte[] nonce, byte[] input, int offset, int count, byte[] output, int outputOffset, int outputBytes)
        {
            if (!_hasKey) throw new InvalidOperationException("No key.");
            if (nonce == null || nonce.Length != NonceSize) throw new ArgumentException("The nonce is 12 bytes.", nameof(nonce));
            if (input == null || offset < 0 || count < 0 || offset > input.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
            if (output == null || outputOffset < 0 || output.Length - outputOffset < outputBytes) throw new ArgumentException("The output has no room for " + outputBytes + " bytes.", nameof(output));
        }
    }
}
