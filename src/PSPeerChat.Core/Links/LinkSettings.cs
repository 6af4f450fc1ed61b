using System;
using System.Diagnostics;

namespace PSPeerChat.Links
{
    /// <summary>
    /// What a link needs to know of its node's settings, fixed when the node starts. The node builds it from its options
    /// and <c>Tunables</c> (the one place of every tunable); links never read the options themselves.
    /// </summary>
    internal sealed class LinkSettings
    {
        public int QueueCapacity { get; set; } = 4096;

        public long QueueBytes { get; set; } = 8 * 1024 * 1024;

        /// <summary>Time allowed for the HELLO and AUTH exchange.</summary>
        public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>How long a silent inbound link may take before it is taken for a plain text peer.</summary>
        public TimeSpan ProtocolDetectTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

        /// <summary>How long a closing link keeps its transport for the CLOSE (or the drained queue) to get out.</summary>
        public TimeSpan CloseLinger { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>How long a dialler's Connect waits for the acceptor's first frame after AUTH (proof it registered too).</summary>
        public TimeSpan RemoteRegistrationWait { get; set; } = TimeSpan.FromSeconds(1);

        public int InitialReadBuffer { get; set; } = 4096;

        /// <summary>Stopwatch ticks of frame handling after which a reader yields to other links.</summary>
        public long ReadSliceTicks { get; set; } = Stopwatch.Frequency / 500;

        /// <summary>Frames the writer takes from its queue at once.</summary>
        public int WriteBatchFrames { get; set; } = 256;

        /// <summary>Bytes the writer joins into one send at most.</summary>
        public int CoalesceLimit { get; set; } = 64 * 1024;
    }
}
