using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The in-memory tests advance a fake clock and then wait for the real link loops to go quiet. Links of every node
    /// in the process share one scheduler bounded to the core count, so socket tests running beside them (or the
    /// thousand-node simulation beside anything) would starve them: this collection runs alone, after the others.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public class FakeClockCollection
    {
        public const string Name = "In-memory network on a fake clock";
    }
}
