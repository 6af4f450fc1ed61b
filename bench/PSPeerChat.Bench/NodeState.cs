using System.Collections.Generic;

namespace PSPeerChat.Bench
{
    /// <summary>Deliveries seen by one node, written only by that node's consumer (or under Lock for events).</summary>
    internal sealed class NodeState
    {
        public int Index;
        public PeerNode Node;
        public bool[] Seen;
        public bool[] WarmSeen;
        public List<long> LatencyTicks;
        public List<long> EngineLatencyUtcTicks;
        public long LastDeliveryTicks;
        public long AppDuplicates;
        public long SelfEchoes;
        public long Foreign;
        public readonly object Lock = new object();
    }
}
