using System;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace PSPeerChat.Crypto
{
    /// <summary>BouncyCastle's ChaCha20-Poly1305: one engine, initialised per message (its parameter objects are the allocation per call).</summary>
    internal sealed class BouncyCastleChaChaPoly : ChaChaPoly
    {
        private readonly ChaCha20Poly1305 _aead = new ChaCha20Poly1305();
        private KeyParameter _key;

        public override void SetKey(byte[] key) => _key = key == null ? null : new KeyParameter(key);

        public override int Seal(byte[] nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset)
        {
            return Process(true, nonce, ad, input, offset, count, output, outputOffset);
        }

        public override int Open(byte[] nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset)
        {
            if (count < TagSize) return -1;
            try
            {
                return Process(false, nonce, ad, input, offset, count, output, outputOffset);
            }
            catch (InvalidCipherTextException)
            {
                return -1;
            }
        }

        private int Process(bool encrypt, byte[] nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset)
        {
            if (_key == null) throw new InvalidOperationException("No key.");
            _aead.Init(encrypt, new ParametersWithIV(_key, nonce));
            if (ad != null && ad.Length > 0) _aead.ProcessAadBytes(ad, 0, ad.Length);
            int expected = _aead.GetOutputSize(count);
            if (output == null || outputOffset < 0 || output.Length - outputOffset < expected) throw new ArgumentException("The output has no room for " + expected + " bytes.", nameof(output));
            int written = _aead.ProcessBytes(input, offset, count, output, outputOffset);
            written += _aead.DoFinal(output, outputOffset + written);
            if (written != expected) throw new InvalidOperationException("The cipher wrote an unexpected length.");
            return written;
        }
    }
}
