using System;
using PSPeerChat.Protocol;

namespace PSPeerChat.Flood
{
    /// <summary>
    /// One broadcast as the flood router handles it: the decoded fields plus the encoded frame,
    /// so a relay copies bytes and changes only the hop count instead of encoding again.
    /// </summary>
    internal sealed class FloodMessage
    {
        public Id128 Id;
        public Id128 OriginId;
        public string OriginName;
        public long TimestampMs;
        public byte Hops;
        public byte HopLimit;
        public MessageFlags Flags;
        public string Text;

        /// <summary>The whole frame, length prefix included, carrying <see cref="Hops"/>.</summary>
        public byte[] Frame;

        private byte[] _textLine;

        public bool IsTextOrigin => (Flags & MessageFlags.TextOrigin) != 0;

        /// <summary>The frame to send to the next neighbours: the same bytes with the hop count one higher.</summary>
        public byte[] CreateRelayFrame()
        {
            byte[] copy = new byte[Frame.Length];
            Buffer.BlockCopy(Frame, 0, copy, 0, Frame.Length);
            copy[MessageFrame.HopsOffset] = (byte)(Hops + 1);
            return copy;
        }

        /// <summary>The line a plain text peer receives: "name: text\n" (protocol.md §5). Built once, shared by every text link.</summary>
        public byte[] GetTextLine()
        {
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
