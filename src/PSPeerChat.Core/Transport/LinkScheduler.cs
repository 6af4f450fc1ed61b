using System;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// Where every link's reader handles its frames: at most one reader per core at a time, process-wide. Frame
    /// handling is CPU-bound (a signature check is ~80 us), and on the plain thread pool the pool's hill climbing
    /// grew to 10-17 threads on 2 cores during a flood, so the verifications time-sliced against each other.
    /// Readers never block (relays enqueue without waiting), so a bounded scheduler cannot deadlock; socket waits
    /// hold no slot. The pair's worker keeps running queued readers on its thread instead of handing each to the pool.
    /// </summary>
    internal static class LinkScheduler
    {
        public static readonly TaskScheduler Instance =
            new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Math.Max(1, Environment.ProcessorCount)).ConcurrentScheduler;
    }
}
