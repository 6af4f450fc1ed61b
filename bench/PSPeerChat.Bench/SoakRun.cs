using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// The --soak scenario (tools/Invoke-Soak.ps1, not in CI; issue #13): 30 nodes that join through one another, one of
    /// them replaced every 2 s, a broadcast from a random node every 100 ms, and one hostile peer that cycles through the
    /// attacks of protocol.md §8.6-§8.9, 20 s each. Reported: delivery of every broadcast to every node that had run 5 s
    /// when it was sent (time to join) and stayed up at least 10 s after, live heap and handle count each minute (they should stay flat), and drops by cause.
    /// </summary>
    internal static class SoakRun
    {
        private const int NodeCount = 30;

        public static void Execute(double minutes)
        {
            var inv = CultureInfo.InvariantCulture;
            var random = new Random(7);
            var nodes = new List<PeerNode>();
            // What the harness keeps is small and bounded, so the heap trend is the engine's: per live node the message
            // numbers it heard; per message its send time and the generations (node numbers) up when it was sent.
            var heard = new ConcurrentDictionary<string, ConcurrentDictionary<int, byte>>();
            var generationOf = new ConcurrentDictionary<string, int>();
            var sent = new List<(long atMs, BitArray upAtSend)>();
            var counters = new long[11];
            long expected = 0, delivered = 0;
            int generation = 0, churned = 0;
            var clock = Stopwatch.StartNew();

            PeerNode StartNode(string bootstrap)
            {
                var node = PeerNode.Start(new PeerNodeOptions
                {
                    Name = "soak-" + generation, Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 5,
                    Bootstrap = bootstrap == null ? new string[0] : new[] { bootstrap },
                });
                heard[node.Id] = new ConcurrentDictionary<int, byte>();
                generationOf[node.Id] = generation++;
                return node;
            }

            // A node's deliveries: every message sent while it had run 5 s, and at least 10 s before it stopped.
            void Score(PeerNode node, long stoppedAtMs)
            {
                int g = generationOf[node.Id];
                ConcurrentDictionary<int, byte> got = heard[node.Id];
                lock (sent)
                {
                    for (int k = 0; k < sent.Count; k++)
                    {
                        if (g >= sent[k].upAtSend.Length || !sent[k].upAtSend[g] || stoppedAtMs - sent[k].atMs < 10000) continue;
                        expected++;
                        if (got.ContainsKey(k)) delivered++;
                    }
                }
            }

            void Count(PeerNode n)
            {
                long[] c = { n.BudgetDrops, n.ReadPauses, n.OverBudgetLinksClosed, n.InboxDropped, n.SendDrops, n.ReplaysRefused, n.InvalidFrames, n.InvalidSignatures, n.ConnectionsRefused, n.Stats.StalledLinksClosed, n.EventsDropped };
                lock (counters) for (int i = 0; i < c.Length; i++) counters[i] += c[i];
            }

            nodes.Add(StartNode(null));
            for (int i = 1; i < NodeCount; i++) nodes.Add(StartNode("127.0.0.1:" + nodes[random.Next(nodes.Count)].Port));
            Thread.Sleep(5000);

            var stop = new CancellationTokenSource();
            var consumer = new Thread(() =>
            {
                var batch = new List<PeerMessage>();
                while (!stop.IsCancellationRequested)
                {
                    PeerNode[] live;
                    lock (nodes) live = nodes.ToArray();
                    foreach (PeerNode n in live)
                    {
                        batch.Clear();
                        n.Receive(batch);
                        if (!heard.TryGetValue(n.Id, out var got)) continue;
                        foreach (PeerMessage m in batch)
                        {
                            if (m.Text.StartsWith("soak ", StringComparison.Ordinal)) got[int.Parse(m.Text.Substring(5), inv)] = 0;
                        }
                    }
                    Thread.Sleep(5);
                }
            }) { IsBackground = true, Name = "soak consumer" };
            consumer.Start();
            var hostile = new Thread(() => Hostile(() => { lock (nodes) return nodes[0]; }, stop.Token)) { IsBackground = true, Name = "soak hostile peer" };
            hostile.Start();

            var trend = new List<string>();
            long heap0 = GC.GetTotalMemory(true);
            int handles0 = Process.GetCurrentProcess().HandleCount;
            clock.Restart();
            long nextChurn = 2000, nextMinute = 60000;
            var stops = new List<System.Threading.Tasks.Task>();
            while (clock.ElapsedMilliseconds < minutes * 60000)
            {
                PeerNode from;
                var up = new BitArray(generation + 1);
                lock (nodes)
                {
                    // Nodes that had 5 s to join: one started a moment ago may have no link yet, and there is no history
                    // (a message sent at once reaches nobody: issue #15). Senders and receivers alike.
                    PeerNode[] joined = nodes.Where(n => DateTimeOffset.Now - n.StartedAt > TimeSpan.FromSeconds(5)).ToArray();
                    from = joined[random.Next(joined.Length)];
                    foreach (PeerNode n in joined) if (n != from) up[generationOf[n.Id]] = true;
                }
                int number;
                lock (sent)
                {
                    number = sent.Count;
                    sent.Add((clock.ElapsedMilliseconds, up));
                }
                try
                {
                    from.Broadcast("soak " + number.ToString(inv));
                }
                catch (InvalidOperationException)
                {
                    lock (sent) sent[number] = (clock.ElapsedMilliseconds, new BitArray(1)); // stopped meanwhile: nobody expects it
                }
                if (clock.ElapsedMilliseconds >= nextChurn)
                {
                    nextChurn += 2000;
                    lock (nodes)
                    {
                        int victim = 1 + random.Next(nodes.Count - 1); // node 0 is the hostile peer's target and stays
                        PeerNode gone = nodes[victim];
                        nodes.RemoveAt(victim);
                        churned++;
                        long at = clock.ElapsedMilliseconds;
                        stops.Add(System.Threading.Tasks.Task.Run(() =>
                        {
                            gone.Stop();
                            Count(gone);
                            Score(gone, at);
                            heard.TryRemove(gone.Id, out _);
                        }));
                        nodes.Add(StartNode("127.0.0.1:" + nodes[random.Next(nodes.Count)].Port));
                    }
                    stops.RemoveAll(t => t.IsCompleted);
                }
                if (clock.ElapsedMilliseconds >= nextMinute)
                {
                    nextMinute += 60000;
                    trend.Add(string.Format(inv, "{{\"minute\":{0},\"heapMB\":{1:F1},\"handles\":{2}}}", trend.Count + 1, (GC.GetTotalMemory(true) - heap0) / 1048576.0, Process.GetCurrentProcess().HandleCount - handles0));
                }
                Thread.Sleep(100);
            }
            Thread.Sleep(10000); // the last broadcasts arrive
            stop.Cancel();
            consumer.Join();
            hostile.Join(TimeSpan.FromSeconds(5));
            System.Threading.Tasks.Task.WaitAll(stops.ToArray());

            PeerNode[] survivors;
            lock (nodes) survivors = nodes.ToArray();
            foreach (PeerNode n in survivors)
            {
                Score(n, long.MaxValue);
                Count(n);
            }
            Console.WriteLine(string.Format(inv,
                "{{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":\"soak\",\"minutes\":{0},\"nodes\":{1},\"churned\":{2},\"broadcasts\":{3},\"expectedDeliveries\":{4},\"delivered\":{5},\"deliveryRatio\":{6:F5},\"trend\":[{7}],\"drops\":{{\"budget\":{8},\"readPauses\":{9},\"overBudgetLinksClosed\":{10},\"inbox\":{11},\"send\":{12},\"replays\":{13},\"invalidFrames\":{14},\"invalidSignatures\":{15},\"connectionsRefused\":{16},\"stalledLinksClosed\":{17},\"events\":{18}}}}}",
                minutes, NodeCount, churned, sent.Count, expected, delivered, expected == 0 ? 1 : delivered / (double)expected, string.Join(",", trend),
                counters[0], counters[1], counters[2], counters[3], counters[4], counters[5], counters[6], counters[7], counters[8], counters[9], counters[10]));
            foreach (PeerNode n in survivors) n.Stop();
        }

        /// <summary>The hostile peer: a new attack every 20 s, against node 0 (which stays up).</summary>
        private static void Hostile(Func<PeerNode> target, CancellationToken stop)
        {
            int phase = 0;
            while (!stop.IsCancellationRequested)
            {
                using (var phaseEnd = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    phaseEnd.CancelAfter(TimeSpan.FromSeconds(20));
                    try
                    {
                        switch (phase++ % 4)
                        {
                            case 0: HostileRun.Attack(target(), phaseEnd.Token); break; // floods of every kind, at full speed
                            case 1: SilentSockets(target().Port, phaseEnd.Token); break;
                            case 2: SlowReader(target().Port, phaseEnd.Token); break;
                            default: Forgeries(target().Port, phaseEnd.Token); break;
                        }
                    }
                    catch (Exception ex) when (ex is SocketException || ex is System.IO.IOException || ex is ObjectDisposedException || ex is InvalidOperationException)
                    {
                    }
                }
            }
        }

        /// <summary>40 connections that send nothing (§8.6).</summary>
        private static void SilentSockets(int port, CancellationToken stop)
        {
            var sockets = new List<TcpClient>();
            try
            {
                for (int i = 0; i < 40; i++)
                {
                    var c = new TcpClient(AddressFamily.InterNetwork);
                    c.Connect(IPAddress.Loopback, port);
                    sockets.Add(c);
                }
                stop.WaitHandle.WaitOne();
            }
            finally
            {
                foreach (TcpClient c in sockets) c.Dispose();
            }
        }

        /// <summary>A neighbour that completes the handshake and then neither reads nor answers (closed by the keepalive or as Stalled).</summary>
        private static void SlowReader(int port, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                using (var client = new TcpClient(AddressFamily.InterNetwork))
                {
                    client.ReceiveBufferSize = 4096;
                    client.Connect(IPAddress.Loopback, port);
                    HostileRun.Handshake(client.GetStream(), NodeIdentity.Create()); // then never reads, never answers a PING
                    stop.WaitHandle.WaitOne(12000);
                }
            }
        }

        /// <summary>Broadcasts whose signature does not verify (one strike, §8.7), reconnecting each time.</summary>
        private static void Forgeries(int port, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                using (var client = new TcpClient(AddressFamily.InterNetwork))
                {
                    client.Connect(IPAddress.Loopback, port);
                    var me = NodeIdentity.Create();
                    HostileRun.Handshake(client.GetStream(), me);
                    byte[] forged = (byte[])MessageFrame.CreateMessage(me, Id128.NewRandom(), "forger", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 32, MessageFlags.None, "forged").Frame.Clone();
                    forged[forged.Length - 5] ^= 1;
                    client.GetStream().Write(forged, 0, forged.Length);
                    stop.WaitHandle.WaitOne(200);
                }
            }
        }
    }
}
