using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// Takes the deliveries out of every node (--consumer poller, threads or event) and records each in its node's
    /// <see cref="NodeState"/>: latency from the send stamp in the payload, app duplicates, self-echoes.
    /// </summary>
    internal sealed class Consumers
    {
        private readonly string _kind;
        private readonly int _n;
        private readonly int _m;
        private readonly long[] _sendUtcTicks;
        private Thread[] _threads;
        private long _delivered;
        private long _warmDelivered;
        private volatile bool _stop;

        public Consumers(BenchOptions options, PeerNode[] nodes, long[] sendUtcTicks)
        {
            _kind = options.Consumer;
            _n = options.Nodes;
            _m = options.Messages;
            _sendUtcTicks = sendUtcTicks;
            States = new NodeState[_n];
            for (int i = 0; i < _n; i++)
            {
                States[i] = new NodeState
                {
                    Index = i,
                    Node = nodes[i],
                    Seen = new bool[_m],
                    WarmSeen = new bool[_n],
                    LatencyTicks = new List<long>(_m),
                    EngineLatencyUtcTicks = new List<long>(_m),
                };
            }
        }

        public NodeState[] States { get; }

        /// <summary>Measured-phase deliveries so far (first copies only).</summary>
        public long Delivered => Interlocked.Read(ref _delivered);

        /// <summary>Warm-up deliveries so far (first copies only).</summary>
        public long WarmDelivered => Interlocked.Read(ref _warmDelivered);

        public void Start() => _threads = StartThreads();

        /// <summary>Stops the consumers and waits up to 5 s for each thread.</summary>
        public void Stop()
        {
            _stop = true;
            foreach (Thread t in _threads) t.Join(TimeSpan.FromSeconds(5));
        }

        /// <summary>Tells the consumer threads to stop, without waiting.</summary>
        public void RequestStop() => _stop = true;

        private void Handle(NodeState st, PeerMessage m, long nowTicks)
        {
            string t = m.Text;
            if (t == null || t.Length < 35 || (t[0] != 'M' && t[0] != 'W'))
            {
                st.Foreign++;
                return;
            }
            int origin = (int)Workload.ParseDigits(t, 30, 4);
            if (origin == st.Index || string.Equals(m.From, st.Node.Id, StringComparison.OrdinalIgnoreCase))
            {
                st.SelfEchoes++;
                return;
            }
            if (t[0] == 'W')
            {
                if (origin < 0 || origin >= _n) { st.Foreign++; return; }
                if (st.WarmSeen[origin]) { st.AppDuplicates++; return; }
                st.WarmSeen[origin] = true;
                Interlocked.Increment(ref _warmDelivered);
                return;
            }
            long k = Workload.ParseDigits(t, 21, 8);
            long sent = Workload.ParseDigits(t, 1, 19);
            if (k < 0 || k >= _m || sent < 0) { st.Foreign++; return; }
            if (st.Seen[k]) { st.AppDuplicates++; return; }
            st.Seen[k] = true;
            st.LatencyTicks.Add(nowTicks - sent);
            st.EngineLatencyUtcTicks.Add(m.ReceivedAt.UtcTicks - Volatile.Read(ref _sendUtcTicks[k]));
            if (nowTicks > st.LastDeliveryTicks) st.LastDeliveryTicks = nowTicks;
            Interlocked.Increment(ref _delivered);
        }

        private Thread[] StartThreads()
        {
            switch (_kind)
            {
                case "event":
                    foreach (NodeState st in States)
                    {
                        NodeState s = st;
                        s.Node.MessageReceived += (sender, e) =>
                        {
                            long now = Stopwatch.GetTimestamp();
                            lock (s.Lock) Handle(s, e.Message, now);
                        };
                    }
                    return new Thread[0];

                case "poller":
                    var poller = new Thread(() =>
                    {
                        var batch = new List<PeerMessage>(4096);
                        while (!_stop)
                        {
                            int total = 0;
                            foreach (NodeState st in States)
                            {
                                batch.Clear();
                                int got = st.Node.Receive(batch, 4096);
                                if (got == 0) continue;
                                long now = Stopwatch.GetTimestamp();
                                foreach (PeerMessage m in batch) Handle(st, m, now);
                                total += got;
                            }
                            if (total == 0) Thread.Sleep(1);
                        }
                    }) { IsBackground = true, Name = "bench poller" };
                    poller.Start();
                    return new[] { poller };

                default:
                    return States.Select(st =>
                    {
                        var t = new Thread(() =>
                        {
                            var batch = new List<PeerMessage>(1024);
                            while (!_stop)
                            {
                                PeerMessage first = st.Node.Receive(TimeSpan.FromMilliseconds(100));
                                if (first == null) continue;
                                Handle(st, first, Stopwatch.GetTimestamp());
                                while (true)
                                {
                                    batch.Clear();
                                    if (st.Node.Receive(batch, 1024) == 0) break;
                                    long now = Stopwatch.GetTimestamp();
                                    foreach (PeerMessage m in batch) Handle(st, m, now);
                                }
                            }
                        }) { IsBackground = true, Name = "bench consumer " + st.Index };
                        t.Start();
                        return t;
                    }).ToArray();
            }
        }
    }
}
