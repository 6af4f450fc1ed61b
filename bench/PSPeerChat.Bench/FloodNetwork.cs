using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// The flood's network: N nodes in this process on 127.0.0.1, linked in the bench topology, checked, settled
    /// and stopped.
    /// </summary>
    internal sealed class FloodNetwork
    {
        private readonly BenchOptions _o;
        private readonly int _n;
        private readonly int _m;

        public FloodNetwork(BenchOptions options)
        {
            _o = options;
            _n = options.Nodes;
            _m = options.Messages;
        }

        public PeerNode[] Nodes { get; private set; }

        /// <summary>Both ends of every link, as the measured phase started.</summary>
        public Peer[] Links { get; private set; }

        /// <summary>i dials (i+1) mod N and (i+5) mod N; undirected duplicates and self-links dropped, the first dialler kept.</summary>
        public static List<(int From, int To)> Topology(int n)
        {
            var edges = new List<(int, int)>();
            var seen = new HashSet<(int, int)>();
            for (int i = 0; i < n; i++)
            {
                foreach (int j in new[] { (i + 1) % n, (i + 5) % n })
                {
                    if (j == i) continue;
                    if (seen.Add((Math.Min(i, j), Math.Max(i, j)))) edges.Add((i, j));
                }
            }
            return edges;
        }

        /// <summary>Starts the N nodes, unlinked (TargetPeers 0, no fall-forward), each listening on its own port.</summary>
        public void Start()
        {
            Nodes = new PeerNode[_n];
            for (int i = 0; i < _n; i++)
            {
                var options = new PeerNodeOptions
                {
                    Name = "bench" + i.ToString("D2", CultureInfo.InvariantCulture),
                    Port = 0,
                    FallForward = false,
                    ListenAddress = "127.0.0.1",
                    TargetPeers = 0,
                    // The consumers keep up; the room only makes sure a slow moment is not counted as a loss.
                    InboxCapacity = _o.Consumer == "event" ? 1 : Math.Max(10000, _m + _n + 100),
                };
                // The internal bench switch (InternalsVisibleTo): --unsigned sends MESSAGE frames unsigned and unverified.
                if (!_o.Signed) options.SignMessages = false;
                if (_o.HistoryMinutes >= 0) options.HistoryWindow = TimeSpan.FromMinutes(_o.HistoryMinutes);
                Nodes[i] = PeerNode.Start(options);
            }
        }

        public void ConnectAll(List<(int From, int To)> edges)
        {
            Task[] dials = edges.Select(e => (Task)Nodes[e.From].ConnectAsync("127.0.0.1:" + Nodes[e.To].Port.ToString(CultureInfo.InvariantCulture), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10))).ToArray();
            Task.WaitAll(dials);
        }

        /// <summary>Every node holds exactly its topology neighbours (by node id), all connected.</summary>
        public void WaitForTopology(List<(int From, int To)> edges)
        {
            var expected = new HashSet<string>[_n];
            for (int i = 0; i < _n; i++) expected[i] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach ((int a, int b) in edges)
            {
                expected[a].Add(Nodes[b].Id);
                expected[b].Add(Nodes[a].Id);
            }
            var clock = Stopwatch.StartNew();
            while (true)
            {
                string problem = null;
                for (int i = 0; i < _n && problem == null; i++)
                {
                    Peer[] peers = Nodes[i].GetPeers();
                    var ids = new HashSet<string>(peers.Where(p => p.State == PeerState.Connected && p.Protocol == PeerProtocol.PeerChat).Select(p => p.Id), StringComparer.OrdinalIgnoreCase);
                    if (peers.Length != expected[i].Count || !ids.SetEquals(expected[i]))
                    {
                        problem = "node " + i + " holds " + peers.Length + " links (" + ids.Count + " as expected), expected " + expected[i].Count;
                    }
                }
                if (problem == null)
                {
                    Links = Nodes.SelectMany(n => n.GetPeers()).ToArray();
                    return;
                }
                if (clock.Elapsed > TimeSpan.FromSeconds(15)) throw new InvalidOperationException("topology not reached: " + problem);
                Thread.Sleep(20);
            }
        }

        /// <summary>
        /// Not timed: waits until every node's directory knows every other node and the ANNOUNCE flood that follows a
        /// start has died down (no signature checked anywhere for 2.5 s), so it does not run into the measured phase.
        /// </summary>
        public long WaitForDirectories()
        {
            var clock = Stopwatch.StartNew();
            while (Nodes.Any(n => n.GetDirectory().Length < _n - 1))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(15))
                {
                    FloodRun.Log("directories incomplete after 15 s; going on");
                    break;
                }
                Thread.Sleep(50);
            }
            long last = Sum(n => n.SignaturesVerified);
            var quiet = Stopwatch.StartNew();
            while (quiet.ElapsedMilliseconds < 2500 && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(100);
                long now = Sum(n => n.SignaturesVerified);
                if (now != last)
                {
                    last = now;
                    quiet.Restart();
                }
            }
            return clock.ElapsedMilliseconds;
        }

        public void Stop()
        {
            if (Nodes == null) return;
            Task.WaitAll(Nodes.Where(n => n != null).Select(n => Task.Run(() => n.Stop())).ToArray(), TimeSpan.FromSeconds(15));
        }

        /// <summary>A counter summed over every node.</summary>
        public long Sum(Func<PeerNode, long> counter) => Nodes.Sum(counter);
    }
}
