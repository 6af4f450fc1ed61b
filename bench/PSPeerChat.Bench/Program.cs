using System;
using System.Collections.Generic;
using System.Linq;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// Engine benchmark of PSPeerChat (shared/bench/SPEC.md). Main only reads the options and dispatches:
    /// --idle to <see cref="IdleNodeRun"/> (the heap an idle node costs), --pow to <see cref="ProofOfWorkRun"/> (the proof
    /// of work's cost per message), --hostile to <see cref="HostileRun"/>, otherwise one <see cref="FloodRun"/> per
    /// run (the broadcast flood), each printed as one JSON line and one readable line (<see cref="RunResult"/>),
    /// then their medians. The bench uses the engine's public API plus one internal bench switch,
    /// PeerNodeOptions.SignMessages (--unsigned), reached through InternalsVisibleTo.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            BenchOptions options;
            try
            {
                options = BenchOptions.Parse(args);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                Console.Error.WriteLine(BenchOptions.Usage);
                return 64;
            }
            if (options.Help)
            {
                Console.WriteLine(BenchOptions.Usage);
                return 0;
            }

            if (options.SoakMinutes > 0)
            {
                SoakRun.Execute(options.SoakMinutes);
                return 0;
            }

            if (options.Hostile)
            {
                HostileRun.Execute();
                return 0;
            }

            if (options.Pow)
            {
                ProofOfWorkRun.Execute();
                return 0;
            }

            if (options.Join)
            {
                int nodes = Array.Exists(args, a => a.ToLowerInvariant() == "--nodes") ? options.Nodes : 60;
                for (int run = 1; run <= options.Runs; run++) JoinRun.Execute(nodes, options.Seconds, run);
                return 0;
            }

            if (options.Crawl)
            {
                int nodes = Array.Exists(args, a => a.ToLowerInvariant() == "--nodes") ? options.Nodes : 50;
                for (int run = 1; run <= options.Runs; run++) CrawlRun.Execute(nodes, run);
                return 0;
            }

            if (options.Idle)
            {
                IdleNodeRun.Execute();
                return 0;
            }

            var results = new List<RunResult>();
            for (int run = 1; run <= options.Runs; run++)
            {
                RunResult result;
                try
                {
                    result = new FloodRun(options, run).Execute();
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine("run " + run + " failed: " + ex);
                    result = RunResult.Failed(options, run, ex.Message);
                }
                results.Add(result);
                Console.WriteLine(result.ToJson());
                if (!options.JsonOnly) Console.WriteLine(result.ToReadable());
                // Nothing of this run may linger into the next one.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }

            if (results.Count > 1)
            {
                RunResult median = RunResult.Median(results);
                Console.WriteLine(median.ToJson());
                if (!options.JsonOnly) Console.WriteLine(median.ToReadable());
            }
            return results.All(r => r.Passed) ? 0 : 2;
        }
    }
}
