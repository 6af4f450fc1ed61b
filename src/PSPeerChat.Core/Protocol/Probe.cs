using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>A decoded PROBE (protocol.md §11.1) and its frame as received.</summary>
    internal sealed class Probe
    {
        public Probe(Id128 id, Id128 askerId, ProbeKind kind, long timestampMs, byte hops, byte hopLimit, byte[] frame)
        {
            Id = id;
            AskerId = askerId;
            Kind = kind;
            TimestampMs = timestampMs;
            Hops = hops;
            HopLimit = hopLimit;
            Frame = frame;
        }

        public Id128 Id { get; }

        public Id128 AskerId { get; }

        public ProbeKind Kind { get; }

        public long TimestampMs { get; }

        public byte Hops { get; }

        public byte HopLimit { get; }

        /// <summary>The whole frame, length prefix included.</summary>
        public byte[] Frame { get; }
    }
}
