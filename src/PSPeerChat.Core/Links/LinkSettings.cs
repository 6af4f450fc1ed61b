using System;

namespace PSPeerChat.Links
{
    /// <summary>
    /// What a link needs to know of its node's settings, fixed when the node starts. The node fills it from its options
    /// and Settings/Tunables (the one place of every tunable: no defaults here); links never read the options themselves.
    /// </summary>
    internal sealed class LinkSettings
    {
        public int QueueCapacity { get; set; }

        public long QueueBytes { get; set; }

        /// <summary>Time allowed for the handshake (HELLO, Noise, INTRO) until the link registers.</summary>
        public TimeSpan HandshakeTimeout { get; set; }

        /// <summary>How long a silent inbound link may take before it is taken for a plain text peer.</summary>
        public TimeSpan ProtocolDetectTimeout { get; set; }

        /// <summary>How long a closing link keeps its transport for the CLOSE (or the drained queue) to get out.</summary>
        public TimeSpan CloseLinger { get; set; }

        public int InitialReadBuffer { get; set; }

        /// <summary>Stopwatch ticks of frame handling after which a reader yields to other links.</summary>
        public long ReadSliceTicks { get; set; }

        /// <summary>Frames the writer takes from its queue at once.</summary>
        public int WriteBatchFrames { get; set; }

        /// <summary>Lines a text peer may send per second on average, and at once.</summary>
        public double TextLinesPerSecond { get; set; }

        public double TextLinesBurst { get; set; }

        /// <summary>Bytes the writer joins into one send at most.</summary>
        public int CoalesceLimit { get; set; }
    }
}
