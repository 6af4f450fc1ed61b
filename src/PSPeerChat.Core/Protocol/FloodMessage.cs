using System;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// One flooded frame (a signed broadcast, an announcement or an encrypted direct message) as the flood router
    /// handles it: the decoded fields plus the encoded frame, so a relay copies bytes and changes only the hop count,
    /// which sits outside the signature, in the frame's last byte.
    /// </summary>
    internal sealed class FloodMessage
    {
        public FloodMessage(FrameType type, Id128 id, Id128 originId, Id128 recipientId, string originName, long timestampMs, byte hops, byte hopLimit, MessageFlags flags, string text, byte[] frame)
        {
            Type = type;
            Id = id;
            OriginId = originId;
            RecipientId = recipientId;
            OriginName = originName;
            TimestampMs = timestampMs;
            Hops = hops;
            HopLimit = hopLimit;
            Flags = flags;
            Text = text;
            if (type == FrameType.Message) ContentFlags = flags & MessageFlags.Json;
            Frame = frame;
        }

        public FrameType Type { get; }

        public Id128 Id { get; }

        private Id128? _seenKey;

        /// <summary>
        /// What the seen cache remembers: a hash of type, origin and id, or of type and id for a DIRECT (see <see cref="Protocol.SeenKey"/>).
        /// Computed once; a receiver that already read it from the buffer hands it over (<see cref="AdoptSeenKey"/>).
        /// </summary>
        public Id128 SeenKey => _seenKey ?? (_seenKey = Type == FrameType.Direct ? Protocol.SeenKey.OfDirect(Id) : Protocol.SeenKey.Of(Type, OriginId, Id)).Value;

        /// <summary>The signer (MESSAGE, ANNOUNCE); empty for DIRECT until the recipient opened it: only it learns the sender.</summary>
        public Id128 OriginId { get; private set; }

        /// <summary>The addressee of a DIRECT frame.</summary>
        public Id128 RecipientId { get; }

        public string OriginName { get; private set; }

        public long TimestampMs { get; }

        /// <summary>The hop count as received (or 1 for our own); the relayed frame carries it plus one.</summary>
        public byte Hops { get; }

        public byte HopLimit { get; }

        public MessageFlags Flags { get; }

        /// <summary>A MESSAGE's channel (protocol.md §3.2): '' for the lobby, and for ANNOUNCE and DIRECT.</summary>
        public string Channel { get; internal set; } = string.Empty;

        /// <summary>Where the channel's bytes sit in <see cref="Frame"/> and how many there are (a MESSAGE's; 0 otherwise).</summary>
        internal int ChannelOffset { get; set; }

        internal int ChannelLength { get; set; }

        /// <summary>Where the text bytes (a sealed MESSAGE: nonce, ciphertext, tag) sit in <see cref="Frame"/>, and their length.</summary>
        internal int PayloadOffset { get; set; }

        internal int PayloadLength { get; set; }

        /// <summary>True when the text is sealed with a private channel's key (flag bit 3, protocol.md §3.12).</summary>
        public bool IsSealed => Type == FrameType.Message && (Flags & MessageFlags.Sealed) != 0;
        /// <summary>What the text is (protocol.md §3.13): <see cref="MessageFlags.Json"/> for an object; a MESSAGE's flag bit 2, a DIRECT's plaintext contentFlags once opened.</summary>
        public MessageFlags ContentFlags { get; private set; }

        /// <summary>The text of a MESSAGE (or, once opened, of a DIRECT); null for an ANNOUNCE.</summary>
        public string Text { get; private set; }

        /// <summary>The whole frame, length prefix included, carrying <see cref="Hops"/> in its last byte.</summary>
        public byte[] Frame { get; }

        /// <summary>The seen key, read from the received bytes a moment ago: not hashed again.</summary>
        public void AdoptSeenKey(Id128 key) => _seenKey = key;

        /// <summary>A sealed MESSAGE a member opened: its text is now known.</summary>
        public void Unseal(string text) => Text = text;

        /// <summary>A DIRECT its recipient decrypted and verified: now the sender, its name and the text are known.</summary>
        public void Open(Id128 senderId, string senderName, string text, MessageFlags contentFlags)
        {
            ContentFlags = contentFlags & MessageFlags.Json; // unknown bits are ignored (§3.9)
            OriginId = senderId;
            OriginName = senderName;
            Text = text;
        }

        private byte[] _textLine;

        public bool IsTextOrigin => (Flags & MessageFlags.TextOrigin) != 0;

        /// <summary>The frame to send to the next neighbours: the same bytes with the hop count one higher.</summary>
        public byte[] CreateRelayFrame()
        {
            byte[] copy = new byte[Frame.Length];
            Buffer.BlockCopy(Frame, 0, copy, 0, Frame.Length);
            copy[copy.Length - 1] = (byte)(Hops + 1);
            return copy;
        }

        /// <summary>
        /// Turns the received frame into the relayed one in place (hop count + 1) and returns it: the frame is this
        /// node's own copy and is not needed any more once verified, so a relay costs no new array.
        /// </summary>
        public byte[] PrepareRelay()
        {
            Frame[Frame.Length - 1] = (byte)(Hops + 1);
            return Frame;
        }

        /// <summary>
        /// The line a plain text peer receives: "name: text\n" (protocol.md §5), built once and shared by every
        /// text link; null for frames text peers do not get (announcements, direct messages, messages outside the lobby).
        /// </summary>
        public byte[] GetTextLine()
        {
            if (Type != FrameType.Message || Channel.Length != 0 || IsSealed) return null; // text peers live in the lobby (§5)
            byte[] line = _textLine;
            if (line == null)
            {
                string flat = Text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
                line = Utf8.Strict.GetBytes(OriginName + ": " + flat + "\n");
                _textLine = line; // a benign race: two threads build equal arrays
            }
            return line;
        }
    }
}
