using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PSPeerChat.Transport;
using Xunit.Sdk;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Real PeerNodes on an in-memory network (no socket, no port) with one fake clock: time moves only when a test
    /// advances it, a maintenance tick at a time, so keepalive, backoff and replay windows are tested in milliseconds.
    /// Links still run on the engine's own loops in real time; <see cref="TickAsync"/> waits until they are quiet.
    /// </summary>
    internal sealed class MemoryTestNetwork : IDisposable
    {
        public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
        /// <summary>How long a tick may take in real time before the test fails (a big simulation sets more).</summary>
        public TimeSpan RealWait { get; set; } = TimeSpan.FromSeconds(20);

        public MemoryNetwork Network { get; } = new MemoryNetwork();

        /// <summary>Starts at the real time, so frames a test stamps with Frames.Now pass the replay window.</summary>
        public FakeTimeProvider Clock { get; } = new FakeTimeProvider(DateTimeOffset.UtcNow);

        public List<PeerNode> Nodes { get; } = new List<PeerNode>();

        public PeerNode this[int i] => Nodes[i];

        /// <summary>As TestNetwork.Options (fixed topologies, no periodic announcement), on this network and clock.</summary>
        public PeerNodeOptions Options(string name, FakeTimeProvider clock = null)
        {
            PeerNodeOptions options = TestNetwork.Options(name);
            options.Network = Network;
            options.Clock = clock ?? Clock;
            return options;
        }

        public PeerNode Start(string name, Action<PeerNodeOptions> configure = null)
        {
            PeerNodeOptions options = Options(name);
            configure?.Invoke(options);
            PeerNode node = PeerNode.Start(options);
            Nodes.Add(node);
            return node;
        }

        public static string AddressOf(PeerNode node) => "127.0.0.1:" + node.Port;

        /// <summary>Node a dials node b; returns when both ends list the link. Real time: a handshake needs no timer.</summary>
        public async Task<Peer> LinkAsync(PeerNode a, PeerNode b)
        {
            Peer peer = await a.ConnectAsync(AddressOf(b), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            await Eventually.UntilAsync(() => TestNetwork.HasPeer(a, b) && TestNetwork.HasPeer(b, a), RealWait, a.Name + " and " + b.Name + " both list their link");
            return peer;
        }

        /// <summary>
        /// Advances the clock <paramref name="ticks"/> maintenance ticks, one at a time; after each, waits until every
        /// running node has run its tick and the network is quiet (nothing queued, nothing in the pipes).
        /// </summary>
        /// <param name="settle">
        /// False when a test holds a link in its handshake on purpose (a raw peer that never finishes it): then only
        /// queues and pipes are waited for, not handshakes.
        /// </param>
        public async Task TickAsync(int ticks = 1, bool settle = true)
        {
            FakeTimeProvider clock = Clock;
            for (int i = 0; i < ticks; i++)
            {
                PeerNode[] running = Nodes.Where(n => n.State == PeerNodeState.Running).ToArray();
                long[] before = running.Select(n => n.MaintenanceTicks).ToArray();
                clock.Advance(Tick);
                await Eventually.UntilAsync(() => running.Select((n, k) => n.State != PeerNodeState.Running || n.MaintenanceTicks > before[k]).All(x => x), RealWait, "every node ran its maintenance tick");
                await QuietAsync(settle);
            }
        }

        /// <summary>Jumps the clock by <paramref name="span"/> at once (timers due meanwhile fire once), then waits as TickAsync does.</summary>
        public async Task JumpAsync(TimeSpan span, bool settle = true)
        {
            PeerNode[] running = Nodes.Where(n => n.State == PeerNodeState.Running).ToArray();
            long[] before = running.Select(n => n.MaintenanceTicks).ToArray();
            Clock.Advance(span);
            await Eventually.UntilAsync(() => running.Select((n, k) => n.State != PeerNodeState.Running || n.MaintenanceTicks > before[k]).All(x => x), RealWait, "every node ran its maintenance tick");
            await QuietAsync(settle);
        }

        /// <summary>Ticks until <paramref name="condition"/> holds, at most <paramref name="maxTicks"/> ticks; returns how many it took.</summary>
        public async Task<int> TickUntilAsync(Func<bool> condition, int maxTicks, string what, Func<string> state = null, bool settle = true)
        {
            for (int i = 0; i <= maxTicks; i++)
            {
                if (condition()) return i;
                if (i < maxTicks) await TickAsync(settle: settle);
            }
            throw new XunitException("Not within " + maxTicks + " ticks of the fake clock: " + what + (state == null ? string.Empty : " (" + state() + ")"));
        }

        /// <summary>
        /// Waits until the frames in the send queues, the bytes in the pipes (a test's raw peer may leave some unread for
        /// good, and a queue to it may stay full) and the handshakes under way stop changing: for a few milliseconds when no handshake is under way,
        /// for half a second when one is (a handshake must not meet its timeout because the fake clock ran ahead of a
        /// busy machine; one that is stuck for good is left to that timeout). With <paramref name="settle"/> false,
        /// handshakes are not waited for (a test holds one open on purpose). No assertion depends on this wait.
        /// </summary>
        public async Task QuietAsync(bool settle = true)
        {
            var total = Stopwatch.StartNew();
            var stable = Stopwatch.StartNew();
            long lastBytes = -1;
            int lastHandshakes = -1;
            long lastQueued = -1;
            while (true)
            {
                PeerNode[] running = Nodes.Where(n => n.State == PeerNodeState.Running).ToArray();
                long bytes = Network.BytesInFlight;
                int handshakes = settle ? running.Sum(n => n.HandshakesInProgress) : 0;
                long queued = running.Sum(n => (long)n.QueuedFrames);
                if (queued != lastQueued || bytes != lastBytes || handshakes != lastHandshakes)
                {
                    stable.Restart();
                    lastBytes = bytes;
                    lastHandshakes = handshakes;
                    lastQueued = queued;
                }
                else if (stable.ElapsedMilliseconds >= (handshakes == 0 ? 6 : 500))
                {
                    return;
                }
                if (total.Elapsed > RealWait) throw new XunitException("The in-memory network did not go quiet: " + bytes + " bytes in flight, " + handshakes + " handshakes under way, " + queued + " frames queued.");
                await Task.Delay(2);
            }
        }

        public void Dispose()
        {
            foreach (PeerNode node in Nodes) node.Stop();
        }
    }
}
