using System;
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
    /// attacks of protocol.md §8.6-§8.9, 20 s each. Reported: delivery of every broadcast to every node that was up from
    /// its sending to the end (and had run 5 s when it was sent, time to join), live heap and handle count each minute (they should stay flat), and drops by cause.
    /// </summary>
    internal static class SoakRun
    {
        private const int NodeCount = 30;

        public static void Execute(double minutes)
        {
            var inv = CultureInfo.InvariantCulture;
            var random = new Random(7);
            var nodes = new List<PeerNode>();
            var heard = new ConcurrentDictionary<string, ConcurrentDictionary<string, byte>>(); // node id -> texts
            var sent = new List<(string text, HashSet<string> upAtSend, string from)>();
            var everStopped = new HashSet<string>();
            var retired = new List<PeerNode>(); // stopped nodes, for their counters
            int generation = 0;
            PeerNode StartNode(string bootstrap)
            {
                var node = PeerNode.Start(new PeerNodeOptions
                {
                    Name = "soak-" + generation++, Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 5,
                    Bootstrap = bootstrap == null ? new string[0] : new[] { bootstrap },
                });
                heard[node.Id] = new ConcurrentDictionary<string, byte>();
                return node;
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
                        foreach (PeerMessage m in batch) if (m.Text.StartsWith("soak ", StringComparison.Ordinal)) heard[n.Id][m.Text] = 0;
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
            var clock = Stopwatch.StartNew();
            long nextChurn = 2000, nextMinute = 60000, k = 0;
            while (clock.ElapsedMilliseconds < minutes * 60000)
            {
                PeerNode from;
                HashSet<string> up;
                lock (nodes)
                {
                    // Nodes that had 5 s to join: one started a moment ago may have no link yet, and there is no history
                    // (a message sent at once reaches nobody: issue #15). Senders and receivers alike.
                    PeerNode[] joined = nodes.Where(n => DateTimeOffset.Now - n.StartedAt > TimeSpan.FromSeconds(5)).ToArray();
                    from = joined[random.Next(joined.Length)];
                    up = new HashSet<string>(joined.Select(n => n.Id));
                }
                string text = "soak " + k++;
                try
                {
                    from.Broadcast(text);
                    up.Remove(from.Id);
                    sent.Add((text, up, from.Id));
                }
                catch (InvalidOperationException)
                {
                    // stopped meanwhile: not counted
                }
                if (clock.ElapsedMilliseconds >= nextChurn)
                {
                    nextChurn += 2000;
                    lock (nodes)
                    {
                        int victim = 1 + random.Next(nodes.Count - 1); // node 0 is the hostile peer's target and stays
                        PeerNode gone = nodes[victim];
                        nodes.RemoveAt(victim);
                        everStopped.Add(gone.Id);
                        retired.Add(gone);
                        ThreadPool.QueueUserWorkItem(_ => gone.Stop());
                        nodes.Add(StartNode("127.0.0.1:" + nodes[random.Next(nodes.Count)].Port));
                    }
                }
                if (clock.ElapsedMilliseconds >= nextMinute)
                {
                    nextMinute += 60000;
                    trend.Add(string.Format(inv, "{{\"minute\":{0},\"heapMB\":{1:F1},\"handles\":{2}}}", trend.Count + 1, (GC.GetTotalMemory(true) - heap0) / 1048576.0, Process.GetCurrentProcess().HandleCount - handles0));
                }
                Thread.Sleep(100);
            }
            Thread.Sleep(5000); // the last broadcasts arrive
            stop.Cancel();
            consumer.Join();
            hostile.Join(TimeSpan.FromSeconds(5));

            // Every node that was up when a message was sent and is still up now must have it.
            HashSet<string> survivors;
            lock (nodes) survivors = new HashSet<string>(nodes.Select(n => n.Id));
            long expected = 0, delivered = 0, missedFromChurned = 0;
            foreach (var (text, upAtSend, sender) in sent)
            {
                foreach (string id in upAtSend.Where(survivors.Contains))
                {
                    expected++;
                    if (heard[id].ContainsKey(text)) delivered++;
                    else if (everStopped.Contains(sender)) missedFromChurned++; // its sender left soon after: it may not have got out
                }
            }
            PeerNode[] all;
            lock (nodes) all = nodes.Concat(retired).ToArray();
            string Sum(Func<PeerNode, long> f) => all.Sum(f).ToString(inv);
            Console.WriteLine(string.Format(inv,
                "{{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":\"soak\",\"minutes\":{0},\"nodes\":{1},\"churned\":{2},\"broadcasts\":{3},\"expectedDeliveries\":{4},\"delivered\":{5},\"deliveryRatio\":{6:F5},\"missedFromSendersThatLeft\":{19},\"trend\":[{7}],\"drops\":{{\"budget\":{8},\"readPauses\":{9},\"overBudgetLinksClosed\":{10},\"inbox\":{11},\"send\":{12},\"replays\":{13},\"invalidFrames\":{14},\"invalidSignatures\":{15},\"connectionsRefused\":{16},\"stalledLinksClosed\":{17},\"events\":{18}}}}}",
                minutes, NodeCount, everStopped.Count, sent.Count, expected, delivered, expected == 0 ? 1 : delivered / (double)expected, string.Join(",", trend),
                Sum(n => n.BudgetDrops), Sum(n => n.ReadPauses), Sum(n => n.OverBudgetLinksClosed), Sum(n => n.InboxDropped), Sum(n => n.SendDrops), Sum(n => n.ReplaysRefused),
                Sum(n => n.InvalidFrames), Sum(n => n.InvalidSignatures), Sum(n => n.ConnectionsRefused), Sum(n => n.Stats.StalledLinksClosed), Sum(n => n.EventsDropped), missedFromChurned));
            foreach (PeerNode n in nodes) n.Stop();
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
