using System;
using System.Globalization;

namespace PSPeerChat.Bench
{
    /// <summary>The command line: its usage text, the parsed options and their checks.</summary>
    internal sealed class BenchOptions
    {
        public const string Usage =
            "PSPeerChat.Bench [--nodes 20] [--messages 2000] [--rate 0] [--runs 3] [--unsigned] [--json-only] [--history 30]\n" +
            "                 [--consumer threads|poller|event] | --idle | --hostile | --soak <minutes> | --pow\n" +
            "                 | --join [--nodes 60] [--seconds 40] [--runs 3] | --crawl [--nodes 50] [--runs 3]\n" +
            "  --rate      messages per second; 0 sends as fast as Broadcast accepts them\n" +
            "  --history   each node's history window in minutes (what it keeps to catch neighbours up, issue #16); 0: none.\n" +
            "              Default: the shipped 30 minutes (and 16 MiB). historyMB in the result is what the nodes held at the end\n" +
            "  --unsigned  bench-only: MESSAGE frames unsigned and unverified (PeerNodeOptions.SignMessages = false)\n" +
            "  --consumer  how deliveries are taken: poller = one thread draining every inbox with Receive(list, max),\n" +
            "              sleeping 1 ms when all are empty (default); threads = one thread per node, waiting on its inbox;\n" +
            "              event = the MessageReceived event (the inbox then holds 1 message)\n" +
            "  --join      N nodes started through one entry node, joining on their own: time until all are linked, degrees,\n" +
            "              the entry's degree, copies per message (issue #15)\n" +
            "  --crawl     N nodes in a fixed random topology (mean degree 6): one map crawl from one node and 5 reach probes;\n" +
            "              time until all answered, frames the crawl cost each node, reach and latencies (issue #17)\n" +
            "  --pow       alone: the proof of work's cost per message for a few settings and text lengths (protocol.md §3.10)";

        public int Nodes = 20;
        public int Messages = 2000;
        public double Rate;
        public double HistoryMinutes = -1; // -1: the shipped default
        public int Runs = 3;
        public bool Signed = true;
        public bool JsonOnly;
        public bool Help;
        public bool Idle;
        public bool Hostile;
        public double SoakMinutes;
        public bool Pow;
        public bool Join;
        public bool Crawl;
        public int Seconds = 40;
        public string Consumer = "poller";

        public static BenchOptions Parse(string[] args)
        {
            var o = new BenchOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i].ToLowerInvariant();
                string Next()
                {
                    if (i + 1 >= args.Length) throw new ArgumentException(args[i] + " needs a value");
                    return args[++i];
                }
                switch (a)
                {
                    case "--nodes": o.Nodes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--messages": o.Messages = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--runs": o.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--unsigned": o.Signed = false; break;
                    case "--history": o.HistoryMinutes = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--json-only": o.JsonOnly = true; break;
                    case "--consumer": o.Consumer = Next().ToLowerInvariant(); break;
                    case "-h":
                    case "--help": o.Help = true; break;
                    case "--idle": o.Idle = true; break;
                    case "--hostile": o.Hostile = true; break;
                    case "--soak": o.SoakMinutes = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--pow": o.Pow = true; break;
                    case "--join": o.Join = true; break;
                    case "--crawl": o.Crawl = true; break;
                    case "--seconds": o.Seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default: throw new ArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (o.Nodes < 2 || o.Nodes > 9999) throw new ArgumentException("--nodes must be 2..9999");
            if (o.Messages < 1 || o.Messages > 99999999) throw new ArgumentException("--messages must be 1..99999999");
            if (o.HistoryMinutes < -1 || o.HistoryMinutes > 24 * 60) throw new ArgumentException("--history must be 0..1440 minutes");
            if (o.Rate < 0) throw new ArgumentException("--rate must be >= 0");
            if (o.Runs < 1) throw new ArgumentException("--runs must be >= 1");
            if (o.Consumer != "threads" && o.Consumer != "poller" && o.Consumer != "event") throw new ArgumentException("--consumer must be threads, poller or event");
            return o;
        }
    }
}
