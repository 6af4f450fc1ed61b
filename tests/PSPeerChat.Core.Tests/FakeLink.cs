using System.Collections.Generic;
using PSPeerChat.Flood;

namespace PSPeerChat.Core.Tests
{
    /// <summary>An in-memory ILink that records what the router queued on it; Full makes it refuse like a full send queue.</summary>
    internal sealed class FakeLink : ILink
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

        /// <summary>Why the flood closed this link, if it did.</summary>
        public CloseReason ClosedWith { get; private set; }

        public void Close(CloseReason reason, string detail) => ClosedWith = reason;

        public void Misbehaved(string detail) => ClosedWith = CloseReason.ProtocolError;

        public bool TrySpend(FloodBudget kind) => true;

        public bool Fault(string what) => false;

        public PSPeerChat.Identity.Id128 RemoteId => default;

        public override string ToString() => Name;
    }
}
