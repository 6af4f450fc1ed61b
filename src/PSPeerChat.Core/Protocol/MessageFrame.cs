using System;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// MESSAGE and ANNOUNCE, the signed flooded frames (protocol.md §3.2, §3.8). Body layout:
    /// type(1) flags(1) hopLimit(1) id(16) originId(16) timestampMs(8, signed) originKey(32) nameLength(1) name(n)
    /// [MESSAGE only: channelLength(1) channel(c)] payload(rest) signature(64) [nonce(8)] hops(1). The signature covers every byte before it: all but the hop count,
    /// which relays change, and which therefore sits last, and the proof-of-work nonce of a MESSAGE with flag bit 1
    /// (§3.10), found after signing. MESSAGE's payload is UTF-8 text; ANNOUNCE's is the X25519 key.
    /// </summary>
    internal static class MessageFrame
    {
        public const int IdOffset = 3;        // within the body, the same for DIRECT
        private const int OriginOffset = IdOffset + Id128.Size;
        private const int TimeOffset = OriginOffset + Id128.Size;
        private const int KeyOffset = TimeOffset + 8;
        private const int NameLengthOffset = KeyOffset + NodeIdentity.KeySize;
        private const int Trailer = NodeIdentity.SignatureSize + 1;
        public const int MinBody = NameLengthOffset + 1 + Trailer;

        /// <summary>
        /// A MESSAGE on <paramref name="channel"/> ('' = the lobby); with <paramref name="channelKey"/> its text is sealed
        /// with the private channel's key and flag bit 3 is set (protocol.md §3.12).
        /// </summary>
        public static FloodMessage CreateMessage(NodeIdentity signer, Id128 id, string originName, long timestampMs, byte hopLimit, MessageFlags flags, string text, bool sign = true, string channel = ChannelName.Lobby, byte[] channelKey = null)
        {
            channel = channel ?? ChannelName.Lobby;
            string channelError = ChannelName.Check(channel);
            if (channelError != null) throw new ArgumentException("Invalid channel: " + channelError + ".", nameof(channel));
            byte[] channelBytes = Utf8.Strict.GetBytes(channel);
            byte[] textBytes = Utf8.Strict.GetBytes(text ?? string.Empty);
            int limit = channelKey == null ? ProtocolLimits.MaxTextBytes : ChannelSeal.MaxPlainBytes;
            if (textBytes.Length > limit) throw new ArgumentException("The message is " + textBytes.Length + " UTF-8 bytes long; the limit is " + limit + (channelKey == null ? "" : " in a private channel") + ".", nameof(text));
            byte[] payload = textBytes;
            if (channelKey != null)
            {
                if (channel.Length == 0) throw new ArgumentException("The lobby cannot be private.", nameof(channel));
                payload = ChannelSeal.Seal(channelKey, signer.NodeId, id, channelBytes, textBytes);
                flags |= MessageFlags.Sealed;
            }
            else
            {
                flags &= ~MessageFlags.Sealed;
            }
            FloodMessage message = Create(FrameType.Message, signer, id, originName, timestampMs, hopLimit, flags, payload, sign, text ?? string.Empty, channelBytes);
            message.Channel = channel;
            return message;
        }

        public static FloodMessage CreateAnnounce(NodeIdentity signer, Id128 id, string name, long timestampMs, byte hopLimit)
        {
            return Create(FrameType.Announce, signer, id, name, timestampMs, hopLimit, MessageFlags.None, signer.EncryptionPublicKey);
        }

        /// <summary>Bytes after the payload: the signature, the proof-of-work nonce when the flags carry one, the hop count.</summary>
        private static int TrailerOf(FrameType type, MessageFlags flags) => Trailer + (ProofOfWork.Carries(type, flags) ? ProofOfWork.NonceSize : 0);

        /// <summary>Encodes a MESSAGE (with its channel, <paramref name="channel"/> not null) or an ANNOUNCE (no channel field: its layout is that of version 4).</summary>
        private static FloodMessage Create(FrameType type, NodeIdentity signer, Id128 id, string originName, long timestampMs, byte hopLimit, MessageFlags flags, byte[] payload, bool sign = true, string text = null, byte[] channel = null)
        {
            byte[] nameBytes = Utf8.Strict.GetBytes(originName ?? string.Empty);
            if (nameBytes.Length > ProtocolLimits.MaxNameBytes) throw new ArgumentException("The name is longer than " + ProtocolLimits.MaxNameBytes + " UTF-8 bytes.", nameof(originName));
            if (hopLimit == 0) throw new ArgumentOutOfRangeException(nameof(hopLimit), "The hop limit must be at least 1.");

            int trailer = TrailerOf(type, flags);
            int channelField = channel == null ? 0 : 1 + channel.Length;
            int body = NameLengthOffset + 1 + nameBytes.Length + channelField + payload.Length + trailer;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o] = (byte)type;
            frame[o + 1] = (byte)flags;
            frame[o + 2] = hopLimit;
            id.Write(frame, o + IdOffset);
            signer.NodeId.Write(frame, o + OriginOffset);
            BigEndian.WriteUInt64(frame, o + TimeOffset, (ulong)timestampMs);
            Buffer.BlockCopy(signer.SigningPublicKey, 0, frame, o + KeyOffset, NodeIdentity.KeySize);
            frame[o + NameLengthOffset] = (byte)nameBytes.Length;
            int n = o + NameLengthOffset + 1;
            Buffer.BlockCopy(nameBytes, 0, frame, n, nameBytes.Length);
            n += nameBytes.Length;
            if (channel != null)
            {
                frame[n] = (byte)channel.Length;
                Buffer.BlockCopy(channel, 0, frame, n + 1, channel.Length);
                n += channelField;
            }
            Buffer.BlockCopy(payload, 0, frame, n, payload.Length);
            int signed = body - trailer;
            if (sign) signer.Sign(frame, o, signed, frame, o + signed);
            frame[frame.Length - 1] = 1; // the origin's copy travels its first link; a proof's nonce is searched after (ProofOfWork.TrySolve)

            return new FloodMessage(type, id, signer.NodeId, default, originName ?? string.Empty, timestampMs, 1, hopLimit, flags, text, frame)
            {
                ChannelOffset = channel == null ? 0 : n - channel.Length,
                ChannelLength = channel?.Length ?? 0,
                PayloadOffset = n,
                PayloadLength = payload.Length,
            };
        }

        /// <summary>Reads only the id (the same offset in MESSAGE, ANNOUNCE and DIRECT), so duplicates are dropped before anything else.</summary>
        public static bool TryPeekId(byte[] buffer, int bodyOffset, int bodyLength, out Id128 id)
        {
            if (bodyLength < IdOffset + Id128.Size)
            {
                id = default;
                return false;
            }
            id = Id128.Read(buffer, bodyOffset + IdOffset);
            return true;
        }

        /// <summary>
        /// Decodes and validates the structure of a MESSAGE or ANNOUNCE body (not its signature: see
        /// <see cref="VerifySignature"/>); copies the frame so it outlives the receive buffer. Null with a reason when malformed.
        /// </summary>
        public static FloodMessage TryDecode(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            if (bodyLength < MinBody)
            {
                error = "frame shorter than its header";
                return null;
            }
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + bodyLength];
            Buffer.BlockCopy(buffer, bodyOffset - ProtocolLimits.LengthPrefix, frame, 0, frame.Length);
            int o = ProtocolLimits.LengthPrefix;
            var type = (FrameType)frame[o];
            var flags = (MessageFlags)frame[o + 1];
            int trailer = TrailerOf(type, flags);
            int channelField = type == FrameType.Message ? 1 : 0; // a MESSAGE's channelLength byte (§3.2); ANNOUNCE has none
            if (bodyLength < NameLengthOffset + 1 + channelField + trailer)
            {
                error = "frame shorter than its header";
                return null;
            }
            byte hopLimit = frame[o + 2];
            byte hops = frame[frame.Length - 1];
            if (hops == 0 || hops > hopLimit)
            {
                error = "hop count " + hops + " outside 1.." + hopLimit;
                return null;
            }
            int nameLength = frame[o + NameLengthOffset];
            int nameOffset = o + NameLengthOffset + 1;
            int payloadEnd = frame.Length - trailer;
            if (nameLength > ProtocolLimits.MaxNameBytes || nameOffset + nameLength > payloadEnd)
            {
                error = "name length out of range";
                return null;
            }
            int channelOffset = nameOffset + nameLength, channelLength = 0;
            string channel = ChannelName.Lobby;
            if (type == FrameType.Message)
            {
                // §3.2: channelLength (0..32) and channel after the name, inside the signature.
                if (channelOffset >= payloadEnd)
                {
                    error = "frame shorter than its header";
                    return null;
                }
                channelLength = frame[channelOffset++];
                if (channelLength > ChannelName.MaxBytes || channelOffset + channelLength > payloadEnd)
                {
                    error = "channel length out of range";
                    return null;
                }
                try
                {
                    channel = Utf8.Strict.GetString(frame, channelOffset, channelLength);
                }
                catch (ArgumentException)
                {
                    error = "channel is not UTF-8";
                    return null;
                }
                if (ChannelName.Check(channel) != null)
                {
                    error = "invalid channel name";
                    return null;
                }
            }
            int payloadOffset = channelOffset + channelLength;
            int payloadLength = payloadEnd - payloadOffset;
            if (type == FrameType.Announce && payloadLength != NodeIdentity.KeySize)
            {
                error = "ANNOUNCE without a 32-byte key";
                return null;
            }
            if (payloadLength > ProtocolLimits.MaxTextBytes)
            {
                error = "text longer than " + ProtocolLimits.MaxTextBytes + " bytes";
                return null;
            }
            bool isSealed = type == FrameType.Message && (flags & MessageFlags.Sealed) != 0;
            if (isSealed && (payloadLength < ChannelSeal.Overhead || channelLength == 0))
            {
                error = "sealed text shorter than its nonce and tag, or in the lobby";
                return null;
            }

            string name;
            string text = null;
            try
            {
                name = Utf8.CleanName(Utf8.Strict.GetString(frame, nameOffset, nameLength));
                if (type == FrameType.Message && !isSealed) text = Utf8.Strict.GetString(frame, payloadOffset, payloadLength);
            }
            catch (ArgumentException)
            {
                error = "name or text is not UTF-8";
                return null;
            }
            return new FloodMessage(type, Id128.Read(frame, o + IdOffset), Id128.Read(frame, o + OriginOffset), default, name,
                (long)BigEndian.ReadUInt64(frame, o + TimeOffset), hops, hopLimit, flags, text, frame)
            {
                Channel = channel,
                ChannelOffset = channelOffset,
                ChannelLength = channelLength,
                PayloadOffset = payloadOffset,
                PayloadLength = payloadLength,
            };
        }

        /// <summary>True when the origin's key hashes to the origin id and signed every byte before the signature.</summary>
        public static bool VerifySignature(FloodMessage message, SignatureVerifier verifier)
        {
            byte[] f = message.Frame;
            int o = ProtocolLimits.LengthPrefix;
            int signed = f.Length - o - TrailerOf(message.Type, message.Flags);
            return verifier.Verify(message.OriginId, f, o + KeyOffset, f, o, signed, f, o + signed);
        }

        /// <summary>The X25519 key an ANNOUNCE carries.</summary>
        public static byte[] AnnouncedKey(FloodMessage message)
        {
            byte[] key = new byte[NodeIdentity.KeySize];
            Buffer.BlockCopy(message.Frame, message.Frame.Length - Trailer - NodeIdentity.KeySize, key, 0, key.Length);
            return key;
        }

        /// <summary>The Ed25519 key of the signer.</summary>
        public static byte[] OriginKey(FloodMessage message)
        {
            byte[] key = new byte[NodeIdentity.KeySize];
            Buffer.BlockCopy(message.Frame, ProtocolLimits.LengthPrefix + KeyOffset, key, 0, key.Length);
            return key;
        }
    }
}
