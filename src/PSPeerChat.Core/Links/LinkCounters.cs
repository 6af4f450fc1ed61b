using System.Threading;

namespace PSPeerChat.Links
{
    /// <summary>A link's live counters (Peer shows them): bytes and messages each way, send drops, keepalive round trip.</summary>
    internal sealed class LinkCounters
    {
        private long _messagesReceived;
        private long _messagesSent;
        private long _bytesReceived;
        private long _bytesSent;
        private long _sendDrops;
        private long _latencyMs = -1;

        public long MessagesReceived => Interlocked.Read(ref _messagesReceived);
        public long MessagesSent => Interlocked.Read(ref _messagesSent);
        public long BytesReceived => Interlocked.Read(ref _bytesReceived);
        public long BytesSent => Interlocked.Read(ref _bytesSent);
        public long SendDrops => Interlocked.Read(ref _sendDrops);

        /// <summary>Round trip of the last answered PING in milliseconds; -1 until the first PONG.</summary>
        public long LatencyMs => Interlocked.Read(ref _latencyMs);

        public void Received(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

        public void MessageReceived() => Interlocked.Increment(ref _messagesReceived);

        public void Sent(long bytes, int messages)
        {
            Interlocked.Add(ref _bytesSent, bytes);
            if (messages > 0) Interlocked.Add(ref _messagesSent, messages);
        }

        public void SendDropped() => Interlocked.Increment(ref _sendDrops);

        public void RoundTrip(long milliseconds) => Interlocked.Exchange(ref _latencyMs, milliseconds);
    }
}
