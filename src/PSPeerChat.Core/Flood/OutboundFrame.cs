using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;
namespace PSPeerChat.Flood
{
    /// <summary>
    /// An item of a link's send queue: encoded bytes for PeerChat links and, for broadcasts,
    /// the message so a plain text link can send its text line instead. Shared by all links it goes to.
    /// </summary>
    internal sealed class OutboundFrame
    {
        public OutboundFrame(byte[] frame, FloodMessage message)
        {
            Frame = frame;
            Message = message;
        }

        /// <summary>The binary frame, length prefix included.</summary>
        public byte[] Frame { get; }

        /// <summary>The broadcast this frame carries, or null for a control frame (text links skip those).</summary>
        public FloodMessage Message { get; }

        /// <summary>
        /// A marker, not a frame: the writer seals everything after it with this cipher (protocol.md §9.4). Made by the
        /// handshake once the link is keyed.
        /// </summary>
        public RecordCipher Records { get; private set; }

        public static OutboundFrame StartRecords(RecordCipher cipher) => new OutboundFrame(System.Array.Empty<byte>(), null) { Records = cipher };

        /// <summary>Set on the frame after which the writer stops and closes the socket.</summary>
        public bool CloseAfter { get; set; }
    }
}
