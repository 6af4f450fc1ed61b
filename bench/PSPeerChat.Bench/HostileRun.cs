using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// The --hostile scenario (protocol.md §8.9): one hostile peer attacks a node nobody reads, every way at once, for
    /// ten seconds, while an honest neighbour broadcasts ten messages a second. Reported: the victim's live managed heap
    /// (after a full collection, each second and at the end) against the stated budget, whether every honest message
    /// arrived, whether an honest node could still dial in, and what the node counted and did to the attacker.
    /// </summary>
    internal static class HostileRun
    {
        private const int AttackSeconds = 10;

        public static void Execute()
        {
            var victim = PeerNode.Start(new PeerNodeOptions { Name = "victim", Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0 });
            var honest = PeerNode.Start(new PeerNodeOptions { Name = "honest", Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0 });
            try
            {
                honest.ConnectAsync("127.0.0.1:" + victim.Port).GetAwaiter().GetResult();
                // Any honest link lost during the attack is a finding: say why.
                victim.PeerDisconnected += (_, e) => { if (e.Peer.Name != "hostile" && e.Peer.CloseReason != CloseReason.Shutdown) Console.Error.WriteLine("victim lost " + e.Peer.Name + ": " + e.Peer.CloseReason + " " + e.Peer.CloseDetail); };
                Thread.Sleep(500);
                long heapBefore = GC.GetTotalMemory(true);

                var stop = new CancellationTokenSource(TimeSpan.FromSeconds(AttackSeconds));
                var attacker = new Thread(() => Attack(victim, stop.Token)) { IsBackground = true, Name = "hostile peer" };
                attacker.Start();
                long peak = 0;
                int honestSent = 0;
                var clock = Stopwatch.StartNew();
                var drained = new List<PeerMessage>();
                while (!stop.IsCancellationRequested)
                {
                    honest.Receive(drained); // the honest node is read: the heap measured is the victim's
                    drained.Clear();
                    honest.Broadcast("honest " + honestSent++);
                    Thread.Sleep(100);
                    if (clock.ElapsedMilliseconds >= 1000)
                    {
                        peak = Math.Max(peak, GC.GetTotalMemory(true) - heapBefore);
                        clock.Restart();
                    }
                }
                attacker.Join(TimeSpan.FromSeconds(10));
                long after = GC.GetTotalMemory(true) - heapBefore;
                peak = Math.Max(peak, after);

                // An honest node can still dial in, and every honest broadcast reached the victim.
                bool dialled;
                using (var late = PeerNode.Start(new PeerNodeOptions { Name = "late", Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0 }))
                {
                    try { late.ConnectAsync("127.0.0.1:" + victim.Port).GetAwaiter().GetResult(); dialled = true; }
                    catch (PeerConnectException) { dialled = false; }
                }
                var inbox = new List<PeerMessage>();
                var deadline = Stopwatch.StartNew();
                var heard = new HashSet<string>();
                while (heard.Count < honestSent && deadline.ElapsedMilliseconds < 10000)
                {
                    inbox.Clear();
                    victim.Receive(inbox);
                    foreach (PeerMessage m in inbox) if (m.FromName == "honest") heard.Add(m.Text);
                    if (heard.Count < honestSent) Thread.Sleep(20);
                }
                bool honestLinkKept = victim.GetPeers().Any(p => p.Name == "honest" && p.State == PeerState.Connected);
                const double budgetMB = 32 + 8 + 24; // protocol.md §8.9: inbox, the hostile link's send queue, caches
                var inv = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Format(inv,
                    "{{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":\"hostile\",\"figure\":\"hostilePeer\",\"attackSeconds\":{0},\"heapPeakMB\":{1:F1},\"heapAfterMB\":{2:F1},\"budgetMB\":{3},\"honestSent\":{4},\"honestDelivered\":{5},\"honestLinkKept\":{6},\"honestDialAccepted\":{7},\"budgetDrops\":{8},\"readPauses\":{9},\"overBudgetLinksClosed\":{10},\"invalidFrames\":{11},\"inboxDropped\":{12},\"connectionsRefused\":{13}}}",
                    AttackSeconds, peak / 1048576.0, after / 1048576.0, budgetMB, honestSent, heard.Count, honestLinkKept ? "true" : "false", dialled ? "true" : "false",
                    victim.BudgetDrops, victim.ReadPauses, victim.OverBudgetLinksClosed, victim.InvalidFrames, victim.InboxDropped, victim.ConnectionsRefused));
                Console.WriteLine(string.Format(inv, "hostile peer, {0} s: victim heap peak {1:F1} MB, after {2:F1} MB (budget {3} MB); honest messages {4}/{5}, honest link kept: {6}, honest dial accepted: {7}",
                    AttackSeconds, peak / 1048576.0, after / 1048576.0, budgetMB, heard.Count, honestSent, honestLinkKept, dialled));
            }
            finally
            {
                honest.Stop();
                victim.Stop();
            }
        }

        /// <summary>
        /// The hostile peer: it reconnects whenever the victim closes it (from loopback, which is never discouraged:
        /// the worst case) and sends, in turn, its own largest messages, messages from fresh identities, junk DIRECTs,
        /// announcements and frames of an unknown type, as fast as the socket takes them.
        /// </summary>
        internal static void Attack(PeerNode victim, CancellationToken stop)
        {
            string big = new string('x', 60000);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using (var client = new TcpClient(AddressFamily.InterNetwork))
                    {
                        client.Connect(IPAddress.Loopback, victim.Port);
                        NetworkStream stream = client.GetStream();
                        var me = NodeIdentity.Create();
                        (LinkIdentity remote, RecordCipher records) = Handshake(stream, me);
                        long i = 0;
                        byte[] unknown = { 0, 0, 0, 4, 0x7E, 1, 2, 3 };
                        while (!stop.IsCancellationRequested)
                        {
                            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                            byte[] frame;
                            switch (i++ % 5)
                            {
                                case 0: frame = MessageFrame.CreateMessage(me, Id128.NewRandom(), "hostile", now, 32, MessageFlags.None, big).Frame; break;
                                case 1: frame = MessageFrame.CreateMessage(NodeIdentity.Create(), Id128.NewRandom(), "sybil", now, 32, MessageFlags.None, "spam").Frame; break;
                                case 2: frame = DirectFrame.Create(me, "hostile", Id128.NewRandom(), Id128.NewRandom(), remote.EncryptionKey, now, 32, "junk").Frame; break;
                                case 3: frame = MessageFrame.CreateAnnounce(me, Id128.NewRandom(), "hostile", now, 32).Frame; break;
                                default: frame = unknown; break;
                            }
                            byte[] record = records.Seal(frame, 0, frame.Length); // the attacker pays for its records too
                            stream.Write(record, 0, record.Length);
                        }
                    }
                }
                catch (Exception ex) when (ex is SocketException || ex is System.IO.IOException || ex is InvalidOperationException)
                {
                    Thread.Sleep(50); // closed by the victim: come back
                }
            }
        }

        /// <summary>The dialler's side of the version-4 handshake (protocol.md §3.1): the victim's proven identity and the link's records.</summary>
        internal static (LinkIdentity, RecordCipher) Handshake(NetworkStream stream, NodeIdentity me)
        {
            byte[] hello = HelloFrame.Encode();
            var noise = new NoiseLinkHandshake(true, NoiseStaticKey.Create(me), HelloFrame.BodyOf(hello), new SignatureVerifier());
            byte[] message1 = NoiseFrame.Encode(noise.WriteMessage());
            stream.Write(hello, 0, hello.Length);
            stream.Write(message1, 0, message1.Length);
            byte[] message2 = ReadFrame(stream);
            if (message2[0] != (byte)FrameType.Noise) throw new InvalidOperationException("no Noise message 2 but frame type " + message2[0]);
            noise.ReadMessage(message2, 1, message2.Length - 1);
            byte[] message3 = NoiseFrame.Encode(noise.WriteMessage());
            stream.Write(message3, 0, message3.Length);
            RecordCipher records = noise.CreateRecordCipher();
            byte[] introFrame = IntroFrame.Encode(42, 0, "hostile");
            byte[] intro = records.Seal(introFrame, 0, introFrame.Length);
            stream.Write(intro, 0, intro.Length);
            byte[] prefix = ReadExactly(stream, RecordCipher.LengthSize);
            byte[] record = prefix.Concat(ReadExactly(stream, (prefix[0] << 8) | prefix[1])).ToArray();
            if (records.TryOpen(record, 0, record.Length, out _, out _) != RecordStatus.Opened) throw new InvalidOperationException("the victim's INTRO did not open");
            return (noise.RemoteIdentity, records);
        }

        private static byte[] ReadFrame(NetworkStream stream)
        {
            byte[] prefix = ReadExactly(stream, 4);
            int length = (prefix[0] << 24) | (prefix[1] << 16) | (prefix[2] << 8) | prefix[3];
            return ReadExactly(stream, length);
        }

        private static byte[] ReadExactly(NetworkStream stream, int count)
        {
            var buffer = new byte[count];
            for (int got = 0; got < count;)
            {
                int n = stream.Read(buffer, got, count - got);
                if (n == 0) throw new System.IO.IOException("closed");
                got += n;
            }
            return buffer;
        }
    }
}
