using System;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using PSPeerChat.Identity;
using PSPeerChat.Settings;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// DIRECT, an end-to-end encrypted message to one node, flooded like a broadcast (protocol.md §3.9). Body:
    /// type(1) flags(1) hopLimit(1) id(16) recipientId(16) timestampMs(8) ephemeralKey(32) nonce(12)
    /// ciphertext(n + 16-byte tag) [nonce(8)] hops(1); the proof-of-work nonce only with flag bit 1 (§3.10), found after
    /// encrypting, outside the associated data.
    /// The key is HKDF-SHA256 of X25519(ephemeral, recipient), so only the recipient can read it; the sender's id,
    /// key, name and signature travel inside the ciphertext, so relays learn neither the text nor the sender.
    /// The plaintext may end in zero bytes of padding after the signature (protocol.md §3.9): the text's length is a
    /// field of its own, so the frame's length need not tell it. A contentFlags byte before it says whether the text
    /// is a JSON object (bit 2, §3.13): inside the ciphertext, so relays do not learn it.
    /// The clear header, nonce included, is the AEAD's associated data: nobody can move the message to another
    /// recipient or time without the recipient noticing.
    /// </summary>
    internal static class DirectFrame
    {
        private const int RecipientOffset = MessageFrame.IdOffset + Id128.Size;
        private const int TimeOffset = RecipientOffset + Id128.Size;
        private const int EphemeralOffset = TimeOffset + 8;
        private const int NonceOffset = EphemeralOffset + NodeIdentity.KeySize;
        private const int NonceSize = 12;
        private const int HeaderSize = NonceOffset + NonceSize;
        private const int TagSize = 16;
        // Plain part: senderId(16) senderKey(32) nameLength(1) name(n) contentFlags(1) textLength(2) text(t) signature(64) padding(zero bytes).
        private const int ContentFlagsSize = 1;
        private const int TextLengthSize = 2;
        private const int PlainFixed = Id128.Size + NodeIdentity.KeySize + 1 + ContentFlagsSize + TextLengthSize + NodeIdentity.SignatureSize;
        public const int MinBody = HeaderSize + TagSize + PlainFixed + 1;
        // "v5": the plaintext layout of protocol version 5 (contentFlags, textLength, padding); a frame of another layout fails the tag.
        private static readonly byte[] KdfInfo = Encoding.ASCII.GetBytes("PSPeerChat direct v5");
        private static readonly SecureRandom Random = new SecureRandom();

        /// <summary>
        /// Encrypts and signs <paramref name="text"/> for the node whose X25519 key is <paramref name="recipientKey"/>.
        /// With <paramref name="pad"/> the plaintext ends in zero bytes that bring the body to its size class
        /// (<see cref="PaddedBodyLength"/>), so the frame's length does not tell the text's. <paramref name="content"/>
        /// goes into the plaintext's contentFlags (<see cref="MessageFlags.Json"/> for an object, §3.13).
        /// </summary>
        public static FloodMessage Create(NodeIdentity sender, string senderName, Id128 id, Id128 recipientId, byte[] recipientKey, long timestampMs, byte hopLimit, string text, MessageFlags flags = MessageFlags.None, bool pad = false, MessageFlags content = MessageFlags.None)
        {
            byte[] nameBytes = Utf8.Strict.GetBytes(senderName ?? string.Empty);
            byte[] textBytes = Utf8.Strict.GetBytes(text ?? string.Empty);
            if (textBytes.Length > ProtocolLimits.MaxTextBytes) throw new ArgumentException("The message is " + textBytes.Length + " UTF-8 bytes long; the limit is " + ProtocolLimits.MaxTextBytes + ".", nameof(text));

            int overhead = HeaderSize + TagSize + ProofSize(flags) + 1; // the body but its plaintext
            int unpadded = overhead + PlainFixed + nameBytes.Length + textBytes.Length;
            int body = pad ? PaddedBodyLength(unpadded) : unpadded;
            int plainLength = body - overhead; // after the signature, the padding stays zero
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o] = (byte)FrameType.Direct;
            frame[o + 1] = (byte)flags;
            frame[o + 2] = hopLimit;
            id.Write(frame, o + MessageFrame.IdOffset);
            recipientId.Write(frame, o + RecipientOffset);
            BigEndian.WriteUInt64(frame, o + TimeOffset, (ulong)timestampMs);
            var ephemeral = new X25519PrivateKeyParameters(Random);
            ephemeral.GeneratePublicKey().Encode(frame, o + EphemeralOffset);
            Random.NextBytes(frame, o + NonceOffset, NonceSize);

            byte[] plain = new byte[plainLength];
            sender.NodeId.Write(plain, 0);
            Buffer.BlockCopy(sender.SigningPublicKey, 0, plain, Id128.Size, NodeIdentity.KeySize);
            int p = Id128.Size + NodeIdentity.KeySize;
            plain[p++] = (byte)nameBytes.Length;
            Buffer.BlockCopy(nameBytes, 0, plain, p, nameBytes.Length);
            p += nameBytes.Length;
            plain[p++] = (byte)content;
            BigEndian.WriteUInt16(plain, p, (ushort)textBytes.Length);
            p += TextLengthSize;
            Buffer.BlockCopy(textBytes, 0, plain, p, textBytes.Length);
            p += textBytes.Length;
            byte[] signed = SignedBytes(frame, plain, p);
            sender.Sign(signed, 0, signed.Length, plain, p);

            byte[] shared = new byte[32];
            ephemeral.GenerateSecret(new X25519PublicKeyParameters(recipientKey, 0), shared, 0);
            ChaCha20Poly1305 aead = Aead(true, shared, frame, o + EphemeralOffset, recipientKey, frame, o);
            int written = aead.ProcessBytes(plain, 0, plain.Length, frame, o + HeaderSize);
            aead.DoFinal(frame, o + HeaderSize + written);
            frame[frame.Length - 1] = 1;

            var message = new FloodMessage(FrameType.Direct, id, default, recipientId, senderName ?? string.Empty, timestampMs, 1, hopLimit, flags, text ?? string.Empty, frame);
            message.Open(default, senderName ?? string.Empty, text ?? string.Empty, content); // the sender's copy: it knows what the plaintext holds
            return message;
        }

        /// <summary>
        /// The body length a padded DIRECT whose body would be <paramref name="unpadded"/> bytes gets (protocol.md §3.9):
        /// the smallest of Tunables.DirectBodyClasses that holds it; above the largest, the next multiple of the largest,
        /// but never more than ProtocolLimits.MaxFrameBody (nor less than <paramref name="unpadded"/>).
        /// </summary>
        public static int PaddedBodyLength(int unpadded)
        {
            foreach (int size in Tunables.DirectBodyClasses)
            {
                if (unpadded <= size) return size;
            }
            int step = Tunables.DirectBodyClasses[Tunables.DirectBodyClasses.Count - 1];
            int rounded = (unpadded + step - 1) / step * step;
            return Math.Max(unpadded, Math.Min(rounded, ProtocolLimits.MaxFrameBody));
        }

        /// <summary>Bytes of the proof-of-work nonce before the hop count: 8 with flag bit 1, else none.</summary>
        private static int ProofSize(MessageFlags flags) => ProofOfWork.Carries(FrameType.Direct, flags) ? ProofOfWork.NonceSize : 0;

        /// <summary>Decodes the clear header of a DIRECT body (relays need no more); copies the frame. Null with a reason when malformed.</summary>
        public static FloodMessage TryDecode(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            if (bodyLength < MinBody)
            {
                error = "DIRECT frame shorter than its header";
                return null;
            }
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + bodyLength];
            Buffer.BlockCopy(buffer, bodyOffset - ProtocolLimits.LengthPrefix, frame, 0, frame.Length);
            int o = ProtocolLimits.LengthPrefix;
            var flags = (MessageFlags)frame[o + 1];
            if (bodyLength < MinBody + ProofSize(flags))
            {
                error = "DIRECT frame shorter than its header";
                return null;
            }
            byte hopLimit = frame[o + 2];
            byte hops = frame[frame.Length - 1];
            if (hops == 0 || hops > hopLimit)
            {
                error = "hop count " + hops + " outside 1.." + hopLimit;
                return null;
            }
            return new FloodMessage(FrameType.Direct, Id128.Read(frame, o + MessageFrame.IdOffset), default, Id128.Read(frame, o + RecipientOffset), null,
                (long)BigEndian.ReadUInt64(frame, o + TimeOffset), hops, hopLimit, flags, null, frame);
        }

        /// <summary>
        /// Decrypts a DIRECT addressed to <paramref name="recipient"/> and checks the sender's signature. Fills
        /// OriginId, OriginName and Text; false (with a reason) when it was altered, forged or not for us.
        /// </summary>
        public static bool TryOpen(FloodMessage message, NodeIdentity recipient, SignatureVerifier verifier, out byte[] senderKey, out string error)
        {
            senderKey = null;
            byte[] frame = message.Frame;
            int o = ProtocolLimits.LengthPrefix;
            int cipherLength = frame.Length - 1 - ProofSize(message.Flags) - o - HeaderSize;
            byte[] shared = new byte[32];
            try
            {
                recipient.EncryptionKey.GenerateSecret(new X25519PublicKeyParameters(frame, o + EphemeralOffset), shared, 0);
            }
            catch (InvalidOperationException)
            {
                error = "DIRECT with an unusable ephemeral key";
                return false;
            }
            ChaCha20Poly1305 aead = Aead(false, shared, frame, o + EphemeralOffset, recipient.EncryptionPublicKey, frame, o);
            byte[] plain = new byte[aead.GetOutputSize(cipherLength)];
            try
            {
                int n = aead.ProcessBytes(frame, o + HeaderSize, cipherLength, plain, 0);
                aead.DoFinal(plain, n);
            }
            catch (Org.BouncyCastle.Crypto.InvalidCipherTextException)
            {
                error = "DIRECT failed authentication (altered, or not encrypted for this node)";
                return false;
            }
            if (plain.Length < PlainFixed)
            {
                error = "DIRECT plaintext too short";
                return false;
            }
            Id128 senderId = Id128.Read(plain, 0);
            int p = Id128.Size + NodeIdentity.KeySize;
            int nameLength = plain[p++];
            if (nameLength > ProtocolLimits.MaxNameBytes || p + nameLength + ContentFlagsSize + TextLengthSize + NodeIdentity.SignatureSize > plain.Length)
            {
                error = "DIRECT name length out of range";
                return false;
            }
            var content = (MessageFlags)plain[p + nameLength];
            int textLength = BigEndian.ReadUInt16(plain, p + nameLength + ContentFlagsSize);
            int textAt = p + nameLength + ContentFlagsSize + TextLengthSize;
            if (textLength > ProtocolLimits.MaxTextBytes)
            {
                error = "DIRECT text longer than " + ProtocolLimits.MaxTextBytes + " bytes";
                return false;
            }
            int signatureAt = textAt + textLength;
            if (signatureAt + NodeIdentity.SignatureSize > plain.Length)
            {
                error = "DIRECT text length runs past the plaintext";
                return false;
            }
            for (int i = signatureAt + NodeIdentity.SignatureSize; i < plain.Length; i++)
            {
                if (plain[i] == 0) continue;
                error = "DIRECT padding is not zero";
                return false;
            }
            byte[] signed = SignedBytes(frame, plain, signatureAt);
            if (!verifier.Verify(senderId, plain, Id128.Size, signed, 0, signed.Length, plain, signatureAt))
            {
                error = "DIRECT with a bad sender signature";
                return false;
            }
            try
            {
                message.Open(senderId, Utf8.CleanName(Utf8.Strict.GetString(plain, p, nameLength)), Utf8.Strict.GetString(plain, textAt, textLength), content);
            }
            catch (ArgumentException)
            {
                error = "DIRECT name or text is not UTF-8";
                return false;
            }
            senderKey = new byte[NodeIdentity.KeySize];
            Buffer.BlockCopy(plain, Id128.Size, senderKey, 0, senderKey.Length);
            error = null;
            return true;
        }

        /// <summary>What the sender signs: the clear header (id, recipient, time, ephemeral key, nonce) and the plain part before the signature (not the padding after it).</summary>
        private static byte[] SignedBytes(byte[] frame, byte[] plain, int plainLength)
        {
            byte[] signed = new byte[HeaderSize + plainLength];
            Buffer.BlockCopy(frame, ProtocolLimits.LengthPrefix, signed, 0, HeaderSize);
            Buffer.BlockCopy(plain, 0, signed, HeaderSize, plainLength);
            return signed;
        }

        private static ChaCha20Poly1305 Aead(bool encrypt, byte[] shared, byte[] ephemeral, int ephemeralOffset, byte[] recipientKey, byte[] frame, int bodyOffset)
        {
            byte[] salt = new byte[2 * NodeIdentity.KeySize];
            Buffer.BlockCopy(ephemeral, ephemeralOffset, salt, 0, NodeIdentity.KeySize);
            Buffer.BlockCopy(recipientKey, 0, salt, NodeIdentity.KeySize, NodeIdentity.KeySize);
            var hkdf = new HkdfBytesGenerator(new Sha256Digest());
            hkdf.Init(new HkdfParameters(shared, salt, KdfInfo));
            byte[] key = new byte[32];
            hkdf.GenerateBytes(key, 0, key.Length);

            byte[] nonce = new byte[NonceSize];
            Buffer.BlockCopy(frame, bodyOffset + NonceOffset, nonce, 0, NonceSize);
            byte[] associated = new byte[HeaderSize];
            Buffer.BlockCopy(frame, bodyOffset, associated, 0, HeaderSize);
            var aead = new ChaCha20Poly1305();
            aead.Init(encrypt, new AeadParameters(new KeyParameter(key), TagSize * 8, nonce, associated));
            return aead;
        }
    }
}
