using System;
using System.Linq;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>PROBE and REPORT codecs (protocol.md §11.1, §11.2): every truncation refused cleanly, every signed byte signed.</summary>
    public class ProbeFrameTests
    {
        private static readonly NodeIdentity Asker = NodeIdentity.Create();
        private static readonly SignatureVerifier Verifier = new SignatureVerifier();

        private static byte[] Body(byte[] frame) => frame.Skip(ProtocolLimits.LengthPrefix).ToArray();

        [Fact]
        public void A_probe_round_trips_and_its_signature_verifies()
        {
            Id128 id = Id128.NewRandom();
            byte[] body = Body(ProbeFrame.Create(Asker, id, ProbeKind.Reach, 1_700_000_000_000, 7));
            Assert.Equal(ProbeFrame.Body, body.Length);
            Assert.True(ProbeFrame.TryDecode(body, 0, body.Length, out Probe probe, out string error), error);
            Assert.Equal(id, probe.Id);
            Assert.Equal(Asker.NodeId, probe.AskerId);
            Assert.Equal(ProbeKind.Reach, probe.Kind);
            Assert.Equal(1_700_000_000_000, probe.TimestampMs);
            Assert.Equal(1, probe.Hops);
            Assert.Equal(7, probe.HopLimit);
            Assert.True(ProbeFrame.VerifySignature(probe, Verifier));
            byte[] relay = ProbeFrame.RelayCopy(probe);
            Assert.Equal(2, relay[relay.Length - 1]);
            Assert.Equal(1, probe.Frame[probe.Frame.Length - 1]); // the received copy is untouched
        }

        [Fact]
        public void Every_truncation_and_every_extra_byte_of_a_probe_is_refused()
        {
            byte[] body = Body(ProbeFrame.Create(Asker, Id128.NewRandom(), ProbeKind.Map, 1_700_000_000_000, 32));
            for (int length = 0; length < body.Length; length++) Assert.False(ProbeFrame.TryDecode(body, 0, length, out _, out _), "length " + length);
            byte[] longer = body.Concat(new byte[] { 0 }).ToArray();
            Assert.False(ProbeFrame.TryDecode(longer, 0, longer.Length, out _, out string error));
            Assert.Contains("exactly", error);
        }

        [Theory]
        [InlineData(0, 32, "hop count")]
        [InlineData(33, 32, "hop count")]
        public void A_probe_with_its_hop_count_outside_its_limit_is_refused(byte hops, byte limit, string expected)
        {
            byte[] body = Body(ProbeFrame.Create(Asker, Id128.NewRandom(), ProbeKind.Map, 1_700_000_000_000, limit));
            body[body.Length - 1] = hops;
            Assert.False(ProbeFrame.TryDecode(body, 0, body.Length, out _, out string error));
            Assert.Contains(expected, error);
        }

        [Fact]
        public void Every_byte_before_the_signature_is_signed_and_the_hop_count_is_not()
        {
            byte[] body = Body(ProbeFrame.Create(Asker, Id128.NewRandom(), ProbeKind.Map, 1_700_000_000_000, 32));
            for (int i = 0; i < body.Length - 1; i++)
            {
                byte[] changed = (byte[])body.Clone();
                changed[i] ^= 0x01;
                if (!ProbeFrame.TryDecode(changed, 0, changed.Length, out Probe probe, out _)) continue; // type, limit or kind now invalid: refused anyway
                Assert.False(ProbeFrame.VerifySignature(probe, Verifier), "byte " + i + " changed and still verified");
            }
            byte[] hop = (byte[])body.Clone();
            hop[hop.Length - 1] = 5;
            Assert.True(ProbeFrame.TryDecode(hop, 0, hop.Length, out Probe relayed, out _));
            Assert.True(ProbeFrame.VerifySignature(relayed, Verifier));
        }

        private static byte[] Report(int links, bool declined = false, string name = "reporter")
        {
            var list = Enumerable.Range(0, links).Select(i => new ReportedLink(Id128.NewRandom(), (ushort)(i == 0 ? ReportFrame.UnknownLatency : i), i % 2 == 0 ? PeerDirection.Inbound : PeerDirection.Outbound)).ToList();
            return Body(ReportFrame.Create(Asker, name, ProbeKind.Map, new Id128(1, 2), 3, 1_700_000_000_123, declined, list));
        }

        [Fact]
        public void A_report_round_trips_with_its_links()
        {
            byte[] body = Report(3);
            Report report = ReportFrame.TryOpen(body, 0, body.Length, Verifier, out string error);
            Assert.True(report != null, error);
            Assert.Equal(new Id128(1, 2), report.ProbeId);
            Assert.Equal(Asker.NodeId, report.ReporterId);
            Assert.Equal("reporter", report.Name);
            Assert.Equal(3, report.Hops);
            Assert.Equal(1_700_000_000_123, report.ReceivedAtMs);
            Assert.False(report.Declined);
            Assert.Equal(3, report.Links.Count);
            Assert.Equal(ReportFrame.UnknownLatency, report.Links[0].LatencyMs);
            Assert.Equal(2, report.Links[2].LatencyMs);
            Assert.Equal(PeerDirection.Outbound, report.Links[1].Direction);

            byte[] declined = Report(5, declined: true);
            Report none = ReportFrame.TryOpen(declined, 0, declined.Length, Verifier, out _);
            Assert.True(none.Declined);
            Assert.Empty(none.Links); // a declining node tells no link, whatever it was given
        }

        [Fact]
        public void Every_truncation_of_a_report_and_every_changed_byte_is_refused()
        {
            byte[] body = Report(2);
            for (int length = 0; length < body.Length; length++) Assert.Null(ReportFrame.TryOpen(body, 0, length, Verifier, out _));
            for (int i = 0; i < body.Length; i++)
            {
                byte[] changed = (byte[])body.Clone();
                changed[i] ^= 0x01;
                Assert.Null(ReportFrame.TryOpen(changed, 0, changed.Length, Verifier, out _));
            }
        }

        [Fact]
        public void A_report_holds_at_most_64_links()
        {
            byte[] body = Report(100, name: new string('n', 64));
            Assert.Equal(ReportFrame.MaxBody, body.Length);
            Assert.Equal(ReportFrame.MaxLinks, ReportFrame.TryOpen(body, 0, body.Length, Verifier, out _).Links.Count);
        }
    }
}
