using System;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using PSPeerChat.Identity;
using PSPeerChat.Joining;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Stats;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// What anyone on the local network can make a node keep with LAN announcements (protocol.md §10.3): a bounded set
    /// of candidates, taken at a bounded rate, every announcement not taken counted.
    /// </summary>
    public class LanCandidatesAttackTests
    {
        private static readonly Id128 Self = Id128.NewRandom();
        private readonly FakeTimeProvider _clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        private readonly NodeStats _stats = new NodeStats();
        private readonly Random _random = new Random(15);

        private LanCandidates NewCandidates() => new LanCandidates(Self, _stats, _clock);

        private byte[] RandomAnnouncement() => LanAnnouncement.Encode(Id128.NewRandom(), (ushort)_random.Next(1, 65536));

        private IPEndPoint RandomLinkLocal()
        {
            var bytes = new byte[16];
            _random.NextBytes(bytes);
            bytes[0] = 0xfe;
            bytes[1] = 0x80;
            for (int i = 2; i < 8; i++) bytes[i] = 0;
            return new IPEndPoint(new IPAddress(bytes, 2), Tunables.LanPort);
        }

        [Fact]
        public void A_spray_of_random_ids_from_many_sources_keeps_the_candidates_and_sources_bounded_and_counts_every_drop()
        {
            LanCandidates candidates = NewCandidates();
            const int Sprayed = 20000;
            int taken = 0;
            for (int i = 0; i < Sprayed; i++)
            {
                byte[] datagram = RandomAnnouncement();
                if (candidates.Hear(datagram, datagram.Length, RandomLinkLocal(), out _) != null) taken++;
                Assert.InRange(candidates.Count, 0, Tunables.LanCandidatesCapacity);
                Assert.InRange(candidates.SourceCount, 0, Tunables.LanSourcesCapacity);
                _clock.Advance(TimeSpan.FromMilliseconds(50)); // 20 a second: the rate of all senders is not what stops it
            }
            // Over 1,000 s, a stale candidate (unheard for 90 s) makes room: at most the capacity per lifetime gets in.
            long lifetimes = (long)(Sprayed * 50 / Tunables.LanCandidateLifetimeMs) + 1;
            Assert.InRange(taken, 1, (int)(Tunables.LanCandidatesCapacity * lifetimes));
            Assert.Equal(Sprayed - taken, _stats.LanAnnouncementsDropped);
        }

        [Fact]
        public void One_source_spraying_random_ids_and_ports_gets_few_candidates_and_is_rate_limited()
        {
            LanCandidates candidates = NewCandidates();
            var source = new IPEndPoint(IPAddress.Parse("192.168.7.9"), Tunables.LanPort);
            int taken = 0;
            for (int i = 0; i < 10000; i++)
            {
                byte[] datagram = RandomAnnouncement();
                if (candidates.Hear(datagram, datagram.Length, source, out _) != null) taken++;
                if (i % 10 == 0) _clock.Advance(TimeSpan.FromMilliseconds(100));
            }
            // 100 s: the source's first candidates went stale once (90 s unheard) and made room for as many again.
            Assert.InRange(candidates.Count, 1, Tunables.LanCandidatesPerSource);
            Assert.InRange(taken, 1, 2 * Tunables.LanCandidatesPerSource);
            Assert.Equal(10000 - taken, _stats.LanAnnouncementsDropped);
        }

        [Fact]
        public void An_honest_node_still_gets_in_after_a_burst_from_one_source()
        {
            LanCandidates candidates = NewCandidates();
            var sprayer = new IPEndPoint(IPAddress.Parse("192.168.7.9"), Tunables.LanPort);
            for (int i = 0; i < 1000; i++)
            {
                byte[] datagram = RandomAnnouncement();
                candidates.Hear(datagram, datagram.Length, sprayer, out _);
            }
            _clock.Advance(TimeSpan.FromSeconds(3)); // the rate of all senders refills; the sprayer's own set stays full
            Id128 honest = Id128.NewRandom();
            byte[] announcement = LanAnnouncement.Encode(honest, 55555);

            string address = candidates.Hear(announcement, announcement.Length, new IPEndPoint(IPAddress.Parse("192.168.7.20"), Tunables.LanPort), out Id128 heard);

            Assert.Equal("192.168.7.20:55555", address);
            Assert.Equal(honest, heard);
        }

        [Fact]
        public void The_address_is_the_sender_with_its_scope_and_the_announced_port()
        {
            LanCandidates candidates = NewCandidates();
            byte[] announcement = LanAnnouncement.Encode(Id128.NewRandom(), 40001);

            string v6 = candidates.Hear(announcement, announcement.Length, new IPEndPoint(IPAddress.Parse("fe80::1%3"), 55554), out _);
            string v4 = candidates.Hear(announcement, announcement.Length, new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.7"), 55554), out _);

            Assert.Equal("[fe80::1%3]:40001", v6);
            Assert.Equal("10.0.0.7:40001", v4);
        }

        [Fact]
        public void Our_own_echo_is_ignored_and_malformed_or_multicast_senders_are_dropped_and_counted()
        {
            LanCandidates candidates = NewCandidates();
            byte[] own = LanAnnouncement.Encode(Self, 55555);
            byte[] other = LanAnnouncement.Encode(Id128.NewRandom(), 55555);
            var lan = new IPEndPoint(IPAddress.Parse("10.0.0.7"), 55554);

            Assert.Null(candidates.Hear(own, own.Length, lan, out _));
            Assert.Equal(0, _stats.LanAnnouncementsDropped);
            Assert.Null(candidates.Hear(other, other.Length - 1, lan, out _));
            Assert.Null(candidates.Hear(other, other.Length, new IPEndPoint(IPAddress.Parse("239.255.77.77"), 55554), out _));
            Assert.Null(candidates.Hear(other, other.Length, new IPEndPoint(IPAddress.Parse("ff02::1"), 55554), out _));
            Assert.Null(candidates.Hear(other, other.Length, null, out _));
            Assert.Equal(4, _stats.LanAnnouncementsDropped);
            Assert.Equal(0, candidates.Count);
        }
    }
}
