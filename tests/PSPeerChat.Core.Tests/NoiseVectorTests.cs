using System;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using PSPeerChat.Protocol.Noise;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The Noise state machines (protocol.md §9.1) against the published test vectors for Noise_XX_25519_ChaChaPoly_SHA256:
    /// every handshake message byte for byte, the handshake hash, and the transport messages that follow.
    /// </summary>
    public class NoiseVectorTests
    {
        /// <summary>One published vector: keys, prologue, then (payload, ciphertext) per message, initiator first and alternating.</summary>
        public sealed class Vector
        {
            public string Source;
            public string Prologue;
            public string InitStatic;
            public string InitEphemeral;
            public string RespStatic;
            public string RespEphemeral;
            public string HandshakeHash;
            public string[][] Messages;

            public override string ToString() => Source;
        }

        // Payloads and transport ciphertexts are the same in both files: the prologue enters h but not ck.
        private static readonly string[][] Transport =
        {
            new[] { "4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df" },
            new[] { "4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5" },
            new[] { "457567656e2042f6686d20766f6e2042617765726b", "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f" },
        };

        /// <summary>
        /// Source: https://github.com/haskell-cryptography/cacophony, vectors/cacophony.txt (commit 8ee9d41e34a1a596cfa3ab12aa4069ff87dc1247),
        /// the entry "protocol_name": "Noise_XX_25519_ChaChaPoly_SHA256" (prologue "John Galt").
        /// </summary>
        private static readonly Vector Cacophony = new Vector
        {
            Source = "cacophony.txt",
            Prologue = "4a6f686e2047616c74",
            InitStatic = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
            InitEphemeral = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
            RespStatic = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
            RespEphemeral = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
            HandshakeHash = "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e",
            Messages = new[]
            {
                new[] { "4c756477696720766f6e204d69736573", "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573" },
                new[] { "4d757272617920526f746862617264", "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad" },
                new[] { "462e20412e20486179656b", "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030" },
                Transport[0], Transport[1], Transport[2],
            },
        };

        /// <summary>
        /// Source: https://github.com/rweather/noise-c, tests/vector/noise-c-basic.txt (commit cfe25410979a87391bb9ac8d4d4bef64e9f268c6),
        /// the entry "name": "Noise_XX_25519_ChaChaPoly_SHA256" (the same keys, prologue "Prologue123").
        /// </summary>
        private static readonly Vector NoiseC = new Vector
        {
            Source = "noise-c-basic.txt",
            Prologue = "50726f6c6f677565313233",
            InitStatic = Cacophony.InitStatic,
            InitEphemeral = Cacophony.InitEphemeral,
            RespStatic = Cacophony.RespStatic,
            RespEphemeral = Cacophony.RespEphemeral,
            HandshakeHash = "852a28d2146785c54bd8334f4e460c80d7fe4fd0cc5bc0abef2a24a3c4d44d5f",
            Messages = new[]
            {
                Cacophony.Messages[0],
                new[] { "4d757272617920526f746862617264", "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b94a6d8798832d5372f220f161d9c2df035528f8982ffe09be9b5c412f8a0db5d21351f20af1370d0bf8ef1a8c59a30e" },
                new[] { "462e20412e20486179656b", "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a8589981dfbd651e6ff4724a781cc2aa6158c9fea0d4ec82a286427484c5b8c8123a7a6002b1de9f9775fc97" },
                Transport[0], Transport[1], Transport[2],
            },
        };

        public static TheoryData<Vector> Vectors => new TheoryData<Vector> { Cacophony, NoiseC };

        private static byte[] Hex(string hex) => Convert.FromHexString(hex);

        private static X25519PrivateKeyParameters Key(string hex) => new X25519PrivateKeyParameters(Hex(hex), 0);

        [Theory]
        [MemberData(nameof(Vectors))]
        public void Every_message_and_the_handshake_hash_match_the_published_vector(Vector v)
        {
            var initiator = new HandshakeState(true, Hex(v.Prologue), Key(v.InitStatic), Key(v.InitEphemeral));
            var responder = new HandshakeState(false, Hex(v.Prologue), Key(v.RespStatic), Key(v.RespEphemeral));

            for (int i = 0; i < 3; i++)
            {
                HandshakeState sender = i % 2 == 0 ? initiator : responder;
                HandshakeState receiver = i % 2 == 0 ? responder : initiator;
                Assert.True(sender.IsMyTurnToWrite);
                byte[] message = sender.WriteMessage(Hex(v.Messages[i][0]));
                Assert.Equal(v.Messages[i][1], Convert.ToHexString(message).ToLowerInvariant());
                Assert.Equal(Hex(v.Messages[i][0]), receiver.ReadMessage(message, 0, message.Length));
            }

            Assert.True(initiator.IsComplete && responder.IsComplete);
            Assert.Equal(v.HandshakeHash, Convert.ToHexString(initiator.HandshakeHash).ToLowerInvariant());
            Assert.Equal(v.HandshakeHash, Convert.ToHexString(responder.HandshakeHash).ToLowerInvariant());
            Assert.Equal(Key(v.RespStatic).GeneratePublicKey().GetEncoded(), initiator.RemoteStaticPublicKey);
            Assert.Equal(Key(v.InitStatic).GeneratePublicKey().GetEncoded(), responder.RemoteStaticPublicKey);

            // Transport messages continue to alternate: message 3 is the responder's.
            for (int i = 3; i < v.Messages.Length; i++)
            {
                HandshakeState sender = i % 2 == 0 ? initiator : responder;
                HandshakeState receiver = i % 2 == 0 ? responder : initiator;
                byte[] payload = Hex(v.Messages[i][0]);
                byte[] ciphertext = sender.SendCipher.EncryptWithAd(Array.Empty<byte>(), payload, 0, payload.Length);
                Assert.Equal(v.Messages[i][1], Convert.ToHexString(ciphertext).ToLowerInvariant());
                Assert.Equal(payload, receiver.ReceiveCipher.DecryptWithAd(Array.Empty<byte>(), ciphertext, 0, ciphertext.Length));
            }
        }

        [Fact]
        public void Rekey_is_the_ChaCha20_keystream_at_nonce_max_after_the_Poly1305_block()
        {
            // §4.2: REKEY(k) = ENCRYPT(k, 2^64-1, zerolen, zeros)[0..32]. RFC 8439 encrypts from block 1 (block 0 keys
            // Poly1305), so the new key is keystream bytes 64..95 for the nonce 00000000 ffffffffffffffff.
            byte[] key = Hex(Cacophony.InitStatic);
            var chacha = new ChaCha7539Engine();
            byte[] nonce = Hex("00000000ffffffffffffffff");
            chacha.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
            byte[] stream = new byte[96];
            chacha.ProcessBytes(new byte[96], 0, 96, stream, 0);
            byte[] expected = new byte[32];
            Buffer.BlockCopy(stream, 64, expected, 0, 32);

            var rekeyed = new CipherState();
            rekeyed.InitializeKey(key);
            rekeyed.SetNonce(5);
            rekeyed.Rekey();
            var reference = new CipherState();
            reference.InitializeKey(expected);
            reference.SetNonce(5);

            Assert.Equal(5UL, rekeyed.Nonce); // Rekey keeps n
            byte[] text = { 1, 2, 3 };
            Assert.Equal(reference.EncryptWithAd(null, text, 0, 3), rekeyed.EncryptWithAd(null, text, 0, 3));
        }

        [Fact]
        public void The_Noise_HKDF_is_RFC_5869_HKDF_with_the_chaining_key_as_salt_and_no_info()
        {
            byte[] ck = Hex(Cacophony.RespStatic);
            byte[] ikm = Hex(Cacophony.InitEphemeral);
            byte[][] outputs = SymmetricState.Hkdf(ck, ikm, 3);
            var hkdf = new HkdfBytesGenerator(new Sha256Digest());
            hkdf.Init(new HkdfParameters(ikm, ck, Array.Empty<byte>()));
            byte[] expected = new byte[96];
            hkdf.GenerateBytes(expected, 0, 96);

            Assert.Equal(expected, Frames.Concat(outputs[0], outputs[1], outputs[2]));
        }

        [Fact]
        public void The_nonce_is_little_endian_after_four_zero_bytes()
        {
            byte[] key = Hex(Cacophony.RespStatic);
            var state = new CipherState();
            state.InitializeKey(key);
            state.SetNonce(0x0102030405060708);
            byte[] text = { 9, 9, 9 };
            byte[] ciphertext = state.EncryptWithAd(null, text, 0, 3);
            Assert.Equal(0x0102030405060709UL, state.Nonce);

            var aead = new Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305();
            aead.Init(true, new AeadParameters(new KeyParameter(key), 128, Hex("000000000807060504030201"), Array.Empty<byte>()));
            byte[] expected = new byte[aead.GetOutputSize(3)];
            int n = aead.ProcessBytes(text, 0, 3, expected, 0);
            aead.DoFinal(expected, n);
            Assert.Equal(expected, ciphertext);
        }

        [Fact]
        public void Without_a_key_a_CipherState_passes_bytes_through_and_the_last_nonce_is_refused()
        {
            var state = new CipherState();
            state.InitializeKey(null);
            Assert.Equal(new byte[] { 7 }, state.EncryptWithAd(null, new byte[] { 7 }, 0, 1));

            state.InitializeKey(new byte[32]);
            state.SetNonce(CipherState.MaxNonce);
            Assert.Throws<NoiseException>(() => state.EncryptWithAd(null, new byte[1], 0, 1));
            Assert.Throws<NoiseException>(() => state.DecryptWithAd(null, new byte[17], 0, 17));
        }
    }
}
