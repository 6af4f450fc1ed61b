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
        public FrameType Type;
        public Id128 Id;

        private Id128? _seenKey;

        /// <summary>
        /// What the seen cache remembers: a hash of origin and id, or the id of a DIRECT (see <see cref="Protocol.SeenKey"/>).
        /// Computed once; a receiver that already read it from the buffer hands it over instead of hashing again.
        /// </summary>
        public Id128 SeenKey
        {
            get => _seenKey ?? (_seenKey = Type == FrameType.Direct ? Id : Protocol.SeenKey.Of(OriginId, Id)).Value;
            set => _seenKey = value;
        }

        /// <summary>The signer (MESSAGE, ANNOUNCE); empty for DIRECT, whose sender only the recipient learns.</summary>
        public Id128 OriginId;

        /// <summary>The addressee of a DIRECT frame.</summary>
        public Id128 RecipientId;

        public string OriginName;
        public long TimestampMs;
        public byte Hops;
        public byte HopLimit;
        public MessageFlags Flags;

        /// <summary>The text of a MESSAGE (or, once decrypted, of a DIRECT).</summary>
        public string Text;

        /// <summary>The whole frame, length prefix included, carrying <see cref="Hops"/> in its last byte.</summary>
        public byte[] Frame;

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
        /// text link; null for frames text peers do not get (announcements, direct messages).
        /// </summary>
        public byte[] GetTextLine()
        {
            if (Type != FrameType.Message) return null;
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
