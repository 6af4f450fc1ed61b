using System;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The DIRECT encryption of protocol.md §8.4, written again from the document with .NET's own HKDF and
    /// ChaCha20-Poly1305 (only X25519 comes from BouncyCastle): a test holding the recipient's keys reads the plaintext
    /// a sender made, and seals plaintexts no honest sender makes under the same header, for the recipient to refuse.
    /// </summary>
    internal static class DirectPlaintext
    {
        // Body: type(1) flags(1) hopLimit(1) id(16) recipientId(16) ts(8) ephemeralKey(32) nonce(12) | ciphertext tag(16) [pow(8)] hops(1).
        private const int EphemeralAt = 43;
        private const int NonceAt = 75;
        public const int HeaderSize = 87;
        private const int TagSize = 16;

        /// <summary>Plaintext offsets (§3.9): senderId(16) senderKey(32) nameLength(1) name(n) contentFlags(1) textLength(2) text(t) signature(64) padding.</summary>
        public const int NameLengthAt = 48;

        private static readonly byte[] Info = Encoding.ASCII.GetBytes("PSPeerChat direct v5");

        /// <summary>Decrypts a whole DIRECT frame as <paramref name="recipient"/>; throws when the tag fails.</summary>
        public static byte[] Open(byte[] frame, NodeIdentity recipient)
        {
            int body = ProtocolLimits.LengthPrefix;
            int cipherLength = frame.Length - body - HeaderSize - TagSize - Trailer(frame);
            byte[] plain = new byte[cipherLength];
            using var aead = new ChaCha20Poly1305(Key(frame, recipient));
            aead.Decrypt(frame.AsSpan(body + NonceAt, 12), frame.AsSpan(body + HeaderSize, cipherLength), frame.AsSpan(body + HeaderSize + cipherLength, TagSize), plain, frame.AsSpan(body, HeaderSize));
            return plain;
        }

        /// <summary>
        /// A copy of <paramref name="frame"/> carrying <paramref name="plain"/> instead of its plaintext, encrypted under the
        /// same header (and so the same key), with the same trailer (proof-of-work nonce, hop count) and a fixed length prefix.
        /// </summary>
        public static byte[] Seal(byte[] frame, NodeIdentity recipient, byte[] plain)
        {
            int body = ProtocolLimits.LengthPrefix;
            int trailer = Trailer(frame);
            byte[] sealedFrame = new byte[body + HeaderSize + plain.Length + TagSize + trailer];
            BigEndian.WriteUInt32(sealedFrame, 0, (uint)(sealedFrame.Length - body));
            Buffer.BlockCopy(frame, body, sealedFrame, body, HeaderSize);
            Buffer.BlockCopy(frame, frame.Length - trailer, sealedFrame, sealedFrame.Length - trailer, trailer);
            using var aead = new ChaCha20Poly1305(Key(frame, recipient));
            aead.Encrypt(frame.AsSpan(body + NonceAt, 12), plain, sealedFrame.AsSpan(body + HeaderSize, plain.Length), sealedFrame.AsSpan(body + HeaderSize + plain.Length, TagSize), frame.AsSpan(body, HeaderSize));
            return sealedFrame;
        }

        /// <summary>Where the content flags sit in a plaintext: right after the name (§3.9, §3.13).</summary>
        public static int ContentFlagsAt(byte[] plain) => NameLengthAt + 1 + plain[NameLengthAt];

        /// <summary>Where the text's length field sits in a plaintext: after the name and the content flags.</summary>
        public static int TextLengthAt(byte[] plain) => ContentFlagsAt(plain) + 1;

        /// <summary>The text's length field of a plaintext.</summary>
        public static int TextLength(byte[] plain) => BigEndian.ReadUInt16(plain, TextLengthAt(plain));

        /// <summary>Bytes after the signature: the padding.</summary>
        public static int PaddingLength(byte[] plain) => plain.Length - (TextLengthAt(plain) + 2 + TextLength(plain) + 64);

        /// <summary>The proof-of-work nonce (flag bit 1) and the hop count after the tag.</summary>
        private static int Trailer(byte[] frame) => ((frame[ProtocolLimits.LengthPrefix + 1] & (byte)MessageFlags.ProofOfWork) != 0 ? ProofOfWork.NonceSize : 0) + 1;

        /// <summary>k = HKDF-SHA256(IKM = X25519(recipient, ephemeral), salt = ephemeral ‖ recipient's public key, info = "PSPeerChat direct v5").</summary>
        private static byte[] Key(byte[] frame, NodeIdentity recipient)
        {
            int ephemeralAt = ProtocolLimits.LengthPrefix + EphemeralAt;
            byte[] shared = new byte[32];
            recipient.EncryptionKey.GenerateSecret(new X25519PublicKeyParameters(frame, ephemeralAt), shared, 0);
            byte[] salt = new byte[64];
            Buffer.BlockCopy(frame, ephemeralAt, salt, 0, 32);
            Buffer.BlockCopy(recipient.EncryptionPublicKey, 0, salt, 32, 32);
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt, Info);
        }
    }
}
