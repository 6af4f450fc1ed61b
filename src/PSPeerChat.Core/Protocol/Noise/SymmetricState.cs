using System;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>
    /// The Noise SymmetricState (Noise specification rev 34, §5.2) with SHA-256: the chaining key ck, the handshake
    /// hash h and a <see cref="CipherState"/>. HKDF is the one of §4.3, built from BouncyCastle's HMAC-SHA256.
    /// </summary>
    internal sealed class SymmetricState
    {
        public const int HashSize = 32;

        private readonly CipherState _cipher = new CipherState();
        private byte[] _ck;
        private byte[] _h;

        /// <summary>InitializeSymmetric(protocol_name): h = the name padded with zeros to 32 bytes, or its hash when longer; ck = h.</summary>
        public SymmetricState(string protocolName)
        {
            byte[] name = Encoding.ASCII.GetBytes(protocolName);
            if (name.Length <= HashSize)
            {
                _h = new byte[HashSize];
                Buffer.BlockCopy(name, 0, _h, 0, name.Length);
            }
            else
            {
                _h = Hash(name, Array.Empty<byte>());
            }
            _ck = (byte[])_h.Clone();
            _cipher.InitializeKey(null);
        }

        public bool HasKey => _cipher.HasKey;

        /// <summary>GetHandshakeHash(): a copy of h.</summary>
        public byte[] HandshakeHash => (byte[])_h.Clone();

        /// <summary>MixKey(input_key_material): ck, temp_k = HKDF(ck, ikm, 2); InitializeKey(temp_k).</summary>
        public void MixKey(byte[] inputKeyMaterial)
        {
            byte[][] output = Hkdf(_ck, inputKeyMaterial, 2);
            _ck = output[0];
            _cipher.InitializeKey(output[1]);
        }

        /// <summary>MixHash(data): h = HASH(h || data).</summary>
        public void MixHash(byte[] data) => _h = Hash(_h, data);

        /// <summary>MixKeyAndHash(input_key_material) (for PSK patterns; XX does not use it).</summary>
        public void MixKeyAndHash(byte[] inputKeyMaterial)
        {
            byte[][] output = Hkdf(_ck, inputKeyMaterial, 3);
            _ck = output[0];
            MixHash(output[1]);
            _cipher.InitializeKey(output[2]);
        }

        /// <summary>EncryptAndHash(plaintext): ciphertext = EncryptWithAd(h, plaintext); MixHash(ciphertext).</summary>
        public byte[] EncryptAndHash(byte[] plaintext)
        {
            byte[] ciphertext = _cipher.EncryptWithAd(_h, plaintext, 0, plaintext.Length);
            MixHash(ciphertext);
            return ciphertext;
        }

        /// <summary>DecryptAndHash(ciphertext): plaintext = DecryptWithAd(h, ciphertext); MixHash(ciphertext). Throws <see cref="NoiseException"/> on failure.</summary>
        public byte[] DecryptAndHash(byte[] ciphertext)
        {
            byte[] plaintext = _cipher.DecryptWithAd(_h, ciphertext, 0, ciphertext.Length);
            MixHash(ciphertext);
            return plaintext;
        }

        /// <summary>Split(): two CipherStates from HKDF(ck, zerolen, 2), the first for initiator to responder.</summary>
        public (CipherState first, CipherState second) Split()
        {
            byte[][] output = Hkdf(_ck, Array.Empty<byte>(), 2);
            var first = new CipherState();
            var second = new CipherState();
            first.InitializeKey(output[0]);
            second.InitializeKey(output[1]);
            Array.Clear(output[0], 0, HashSize);
            Array.Clear(output[1], 0, HashSize);
            Array.Clear(_ck, 0, HashSize);
            _cipher.Clear();
            return (first, second);
        }

        /// <summary>
        /// HKDF(chaining_key, input_key_material, num_outputs) of §4.3: temp_key = HMAC(ck, ikm);
        /// output1 = HMAC(temp_key, 0x01); output_i = HMAC(temp_key, output_(i-1) || i).
        /// </summary>
        internal static byte[][] Hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs)
        {
            if (outputs < 2 || outputs > 3) throw new ArgumentOutOfRangeException(nameof(outputs));
            byte[] tempKey = Hmac(chainingKey, inputKeyMaterial, Array.Empty<byte>());
            var result = new byte[outputs][];
            byte[] previous = Array.Empty<byte>();
            for (int i = 0; i < outputs; i++)
            {
                previous = Hmac(tempKey, previous, new[] { (byte)(i + 1) });
                result[i] = previous;
            }
            Array.Clear(tempKey, 0, tempKey.Length);
            return result;
        }

        private static byte[] Hmac(byte[] key, byte[] data, byte[] suffix)
        {
            var mac = new HMac(new Sha256Digest());
            mac.Init(new KeyParameter(key));
            mac.BlockUpdate(data, 0, data.Length);
            mac.BlockUpdate(suffix, 0, suffix.Length);
            byte[] output = new byte[HashSize];
            mac.DoFinal(output, 0);
            return output;
        }

        private static byte[] Hash(byte[] first, byte[] second)
        {
            var digest = new Sha256Digest();
            digest.BlockUpdate(first, 0, first.Length);
            digest.BlockUpdate(second, 0, second.Length);
            byte[] output = new byte[HashSize];
            digest.DoFinal(output, 0);
            return output;
        }
    }
}
