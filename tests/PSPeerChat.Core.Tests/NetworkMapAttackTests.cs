using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Crawl;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A crawl must not become a way to flood (protocol.md §11.3): what a hostile neighbour can make a node answer,
    /// relay, verify and remember with PROBE and REPORT frames, written as that neighbour sends them.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class NetworkMapAttackTests
    {
        private static long Now(MemoryTestNetwork net) => net.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        [Fact]
        public async Task Probes_from_fresh_identities_on_one_link_are_cut_at_its_burst_and_not_passed_on_beyond_it()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            PeerNode behind = net.Start("behind");
            await net.LinkAsync(victim, behind);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, name: "crawler");
            await net.QuietAsync();

            // 300 valid probes, each signed by a new key: each accepted one costs a check, a relay to every link and a report.
            for (int i = 0; i < 300; i++) await raw.SendAsync(ProbeFrame.Create(NodeIdentity.Create(), Id128.NewRandom(), ProbeKind.Map, Now(net), 32));
            await Eventually.UntilAsync(() => victim.ProbesAnswered + victim.ProbesRefused == 300, TestNetwork.Wait, "the victim took all 300", () => victim.ProbesAnswered + "/" + victim.ProbesRefused);
            await net.QuietAsync();

            Assert.Equal(20, victim.ProbesAnswered); // the link's burst; the fake clock refills nothing
            Assert.Equal(280, victim.ProbesRefused);
            Assert.Equal(20, behind.ProbesAnswered); // only what the victim accepted went on
            Assert.True(TestNetwork.HasPeer(victim, behind));

            // An honest neighbour's probe still goes through: the budget is the crawler's link's, and the node's is not spent.
            using NetworkProbe honest = behind.AskNetwork(ProbeKind.Map);
            await Eventually.UntilAsync(() => honest.Count == 1, TestNetwork.Wait, "the victim answers its honest neighbour's probe");
        }

        [Fact]
        public async Task A_probe_with_a_forged_signature_closes_the_link_and_goes_nowhere()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            PeerNode behind = net.Start("behind");
            await net.LinkAsync(victim, behind);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, name: "forger");
            await net.QuietAsync();

            byte[] probe = ProbeFrame.Create(NodeIdentity.Create(), Id128.NewRandom(), ProbeKind.Map, Now(net), 32);
            probe[ProtocolLimits.LengthPrefix + 50] ^= 1; // the asker's key, under the signature: it no longer hashes to the asker id
            await raw.SendAsync(probe);

            (CloseReason reason, string detail) = await raw.ReadCloseAsync(TestNetwork.Wait);
            Assert.Equal(CloseReason.ProtocolError, reason);
            Assert.Contains("PROBE whose signature", detail);
            Assert.Equal(0, victim.ProbesAnswered);
            Assert.Equal(0, behind.ProbesAnswered);
        }

        [Fact]
        public async Task A_recorded_probe_replayed_later_is_refused_and_the_link_stays()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, name: "replayer");
            await net.QuietAsync();

            await raw.SendAsync(ProbeFrame.Create(NodeIdentity.Create(), Id128.NewRandom(), ProbeKind.Reach, Now(net) - 90_000, 32));
            await Eventually.UntilAsync(() => victim.ProbesRefused == 1, TestNetwork.Wait, "the 90 s old probe is refused");
            Assert.Equal(0, victim.ProbesAnswered);
            Assert.Equal(1, victim.PeerCount);
        }

        [Fact]
        public async Task Junk_reports_are_dropped_and_one_link_fills_at_most_half_of_a_probe_s_share()
        {
            using var net = new MemoryTestNetwork();
            PeerNode asker = net.Start("asker");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, asker, name: "junk");
            await net.QuietAsync();

            // Reports for a probe nobody sent: dropped unverified, the link may be an honest late relay.
            for (int i = 0; i < 200; i++) await raw.SendAsync(ReportFrame.Create(NodeIdentity.Create(), "ghost", ProbeKind.Map, Id128.NewRandom(), 1, Now(net), false, null));
            await Eventually.UntilAsync(() => asker.ReportsDropped == 200, TestNetwork.Wait, "200 reports for unknown probes dropped", () => asker.ReportsDropped.ToString());

            // For a real probe: valid reports from made-up nodes, more than a link may bring.
            using NetworkProbe probe = asker.AskNetwork(ProbeKind.Map);
            byte[] asked = await raw.ReadFrameAsync(f => f[0] == (byte)FrameType.Probe, TestNetwork.Wait, "the asker's probe");
            Id128 probeId = Id128.Read(asked, 3);
            int sent = ProbeRouter.MaxReportsPerLink + 100;
            for (int i = 0; i < sent; i++) await raw.SendAsync(ReportFrame.Create(NodeIdentity.Create(), "fake" + i, ProbeKind.Map, probeId, 2, Now(net), false, null));
            await Eventually.UntilAsync(() => probe.Count + asker.ReportsDropped - 200 == sent, TimeSpan.FromSeconds(60), "the asker took every report", () => probe.Count + " kept, " + asker.ReportsDropped + " dropped");

            Assert.Equal(ProbeRouter.MaxReportsPerLink, probe.Count);
            Assert.Equal(1, asker.PeerCount);
        }
    }
}
