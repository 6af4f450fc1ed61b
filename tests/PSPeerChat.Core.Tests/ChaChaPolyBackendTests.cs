using System;
using System.Security.Cryptography;
using System.Text;
using PSPeerChat.Crypto;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The links' ChaCha20-Poly1305 on both backends: RFC 8439's AEAD vector, the same bytes from both on random input, tampering refused by both.</summary>
    public class ChaChaPolyBackendTests
    {
        [Theory]
        [MemberData(nameof(Ed25519BackendTests.Backends), MemberType = typeof(Ed25519BackendTests))]
        public void Rfc8439_aead_vector_gives_its_tag_and_opens(string name)
        {
            // RFC 8439 §2.8.2.
            ChaChaPoly aead = (name == "libsodium" ? Ed25519BackendTests.Sodium : BouncyCastleBackend.Instance).ChaChaPoly();
            var key = new byte[32];
            for (int i = 0; i < 32; i++) key[i] = (byte)(0x80 + i);
            byte[] nonce = Convert.FromHexString("070000004041424344454647");
            byte[] ad = Convert.FromHexString("50515253c0c1c2c3c4c5c6c7");
            byte[] plaintext = Encoding.ASCII.GetBytes("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
            aead.SetKey(key);
            var sealedBytes = new byte[plaintext.Length + 16];
            Assert.Equal(sealedBytes.Length, aead.Seal(nonce, ad, plaintext, 0, plaintext.Length, sealedBytes, 0));
            Assert.Equal("d31a8d34648e60db7b86afbc53ef7ec2", Convert.ToHexString(sealedBytes, 0, 16).ToLowerInvariant());
            Assert.Equal("1ae10b594f09e26a7e902ecbd0600691", Convert.ToHexString(sealedBytes, plaintext.Length, 16).ToLowerInvariant());
            var opened = new byte[plaintext.Length];
            Assert.Equal(plaintext.Length, aead.Open(nonce, ad, sealedBytes, 0, sealedBytes.Length, opened, 0));
            Assert.Equal(plaintext, opened);
        }

        [Fact]
        public void Both_backends_seal_the_same_bytes_and_open_each_other_and_refuse_a_change()
        {
            var random = new Random(8439);
            ChaChaPoly sodium = Ed25519BackendTests.Sodium.ChaChaPoly(), bouncy = BouncyCastleBackend.Instance.ChaChaPoly();
            for (int i = 0; i < 200; i++)
            {
                byte[] key = RandomNumberGenerator.GetBytes(32), nonce = RandomNumberGenerator.GetBytes(12);
                byte[] ad = i % 3 == 0 ? null : RandomNumberGenerator.GetBytes(random.Next(0, 40));
                byte[] message = RandomNumberGenerator.GetBytes(random.Next(0, 1500));
                sodium.SetKey(key);
                bouncy.SetKey(key);
                var a = new byte[message.Length + 16 + 3];
                var b = new byte[message.Length + 16 + 3];
                sodium.Seal(nonce, ad, message, 0, message.Length, a, 3);
                bouncy.Seal(nonce, ad, message, 0, message.Length, b, 3);
                Assert.Equal(b, a);
                foreach (ChaChaPoly opener in new[] { sodium, bouncy })
                {
                    var plain = new byte[message.Length + 1];
                    Assert.Equal(message.Length, opener.Open(nonce, ad, a, 3, message.Length + 16, plain, 1));
                    Assert.Equal(message, plain.AsSpan(1).ToArray());
                    byte[] changed = (byte[])a.Clone();
                    changed[3 + random.Next(message.Length + 16)] ^= (byte)(1 << random.Next(8));
                    Assert.Equal(-1, opener.Open(nonce, ad, changed, 3, message.Length + 16, plain, 1));
                    Assert.Equal(-1, opener.Open(nonce, ad, a, 3, 15, plain, 1)); // shorter than a tag
                }
            }
        }
    }
}
