using System.Collections.Generic;
using PSPeerChat.Flood;

namespace PSPeerChat.Core.Tests
{
    /// <summary>An in-memory IFloodLink that records what the router queued on it; Full makes it refuse like a full send queue.</summary>
    internal sealed class FakeLink : IFloodLink
    {
        public FakeLink(string name, bool full = false)
        {
            Name = name;
            Full = full;
        }

        public string Name { get; }

        public bool Full { get; set; }

        public List<OutboundFrame> Frames { get; } = new List<OutboundFrame>();

        public List<int> Waits { get; } = new List<int>();

        public int Refused { get; private set; }

        public bool TryEnqueue(OutboundFrame frame, int waitMilliseconds)
        {
            Waits.Add(waitMilliseconds);
            if (Full)
            {
                Refused++;
                return false;
            }
            Frames.Add(frame);
            return true;
        }

        public override string ToString() => Name;
    }
}
