using System;
using System.Threading.Tasks;

namespace PSPeerChat.Links
{
    /// <summary>
    /// Where every link's reader and writer loop runs: at most one loop step per core at a time, process-wide. Frame
    /// handling is CPU-bound (a signature check is ~80 us); on the plain thread pool, hill climbing grew to 10-17
    /// threads on 2 cores during a flood, the checks time-sliced against each other and idle workers spun between
    /// writer wake-ups. The pair's worker runs queued loop steps one after another on its thread, without a pool
    /// hand-off. Loops never block (relays enqueue without waiting), so the bound cannot deadlock; socket waits hold
    /// no slot. The loops' awaits keep no ConfigureAwait(false), so each continuation comes back here.
    /// </summary>
    internal static class LinkScheduler
    {
        public static readonly TaskScheduler Instance =
            new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Math.Max(1, Environment.ProcessorCount)).ConcurrentScheduler;
    }
}
