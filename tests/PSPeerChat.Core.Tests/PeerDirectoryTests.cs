using System;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using PSPeerChat.Identity;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The directory's bounds and lookups (protocol.md §4.3): newcomers never push a node out, only entries not seen for a
    /// while make room; a name or prefix is looked up among every node it could mean.
    /// </summary>
    public class PeerDirectoryTests
    {
        private static readonly byte[] Key = new byte[32];
        private readonly FakeTimeProvider _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        private PeerDirectory NewDirectory(int capacity, long bytes = 1L << 30) => new PeerDirectory(capacity, bytes, _clock);

        private static Id128 Id(int n) => new Id128(0x1234_5678_0000_0000UL | (ulong)n, (ulong)n);

        private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

        private bool Learn(PeerDirectory d, Id128 id, string name) => d.Learn(id, name, Key, 2, Now);

        /// <summary>A node heard of now and again eleven minutes later: known, no longer a newcomer.</summary>
        private void LearnKnown(PeerDirectory d, Id128 id, string name)
        {
            Assert.True(Learn(d, id, name));
            _clock.Advance(TimeSpan.FromMinutes(11));
            Assert.False(Learn(d, id, name));
        }

        [Fact]
        public void Ten_thousand_newcomers_push_no_known_node_out_and_are_refused_once_it_is_full()
        {
            PeerDirectory d = NewDirectory(100);
            LearnKnown(d, Id(1), "alice");

            for (int i = 0; i < 10_000; i++)
            {
                Learn(d, Id(1000 + i), i == 9_999 ? "alice" : "sybil" + i);
                if (i % 100 == 0) _clock.Advance(TimeSpan.FromSeconds(1)); // 100 a second: none is stale before the flood ends
            }

            Assert.Equal(100, d.Count);
            Assert.Equal(10_000 - 99, d.Refused);
            Assert.Equal(new[] { Id(1).ToString() }, d.Find("alice", "victim").Select(e => e.Id)); // the late impostor is not in
        }

        [Fact]
        public void A_newcomer_not_seen_for_ten_minutes_makes_room_the_one_seen_longest_ago_first()
        {
            PeerDirectory d = NewDirectory(3);
            Learn(d, Id(1), "a");
            _clock.Advance(TimeSpan.FromMinutes(1));
            Learn(d, Id(2), "b");
            _clock.Advance(TimeSpan.FromMinutes(1));
            Learn(d, Id(3), "c");
            _clock.Advance(TimeSpan.FromMinutes(5));
            Learn(d, Id(1), "a"); // a is seen again: b is now the one seen longest ago

            _clock.Advance(TimeSpan.FromMinutes(3)); // b: 9 min unseen
            Assert.False(Learn(d, Id(4), "d"));
            _clock.Advance(TimeSpan.FromMinutes(1)); // b: 10 min
            Assert.True(Learn(d, Id(4), "d"));

            Assert.Equal(new[] { "a", "c", "d" }, d.Snapshot("n").Select(e => e.Name).OrderBy(n => n));
        }

        [Fact]
        public void A_known_node_makes_room_only_after_a_day_unseen_and_after_every_stale_newcomer()
        {
            PeerDirectory d = NewDirectory(2);
            LearnKnown(d, Id(1), "old-friend");
            Learn(d, Id(2), "newcomer");

            _clock.Advance(TimeSpan.FromHours(23));
            Assert.True(Learn(d, Id(3), "third")); // the stale newcomer went
            Assert.Equal(new[] { "old-friend", "third" }, d.Snapshot("n").Select(e => e.Name).OrderBy(n => n));
            _clock.Advance(TimeSpan.FromMinutes(10));
            Assert.True(Learn(d, Id(4), "fourth")); // "third" again, though the friend was seen longer ago
            Assert.Contains(d.Snapshot("n"), e => e.Name == "old-friend");

            _clock.Advance(TimeSpan.FromHours(2)); // the friend: a day and more unseen
            Learn(d, Id(4), "fourth");
            Assert.True(Learn(d, Id(5), "fifth"));
            Assert.DoesNotContain(d.Snapshot("n"), e => e.Name == "old-friend");
        }

        [Fact]
        public void The_byte_bound_holds_whatever_the_names_weigh_and_a_rename_that_does_not_fit_is_ignored()
        {
            long weight = DirectoryEntry.WeightOf("x");
            PeerDirectory d = NewDirectory(1000, 3 * weight);
            Assert.True(Learn(d, Id(1), "a"));
            Assert.True(Learn(d, Id(2), "b"));
            Assert.True(Learn(d, Id(3), "c"));
            Assert.False(Learn(d, Id(4), "d"));
            Assert.Equal(3, d.Count);
            Assert.Equal(3 * weight, d.Bytes);

            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.False(Learn(d, Id(1), "a much longer name"));
            Assert.Equal("a", d.Find(Id(1).ToString(), "n").Single().Name);
            Assert.Equal(3 * weight, d.Bytes);
            Assert.Equal(2, d.Refused);
        }

        [Fact]
        public void A_full_id_finds_that_node_only_even_when_someone_is_named_with_it()
        {
            PeerDirectory d = NewDirectory(10);
            Learn(d, Id(2), Id(1).ToString()); // an impostor named with the id of a node not (or no longer) here

            Assert.Empty(d.Find(Id(1).ToString(), "n"));
            Learn(d, Id(1), "alice");
            Assert.Equal(new[] { Id(1).ToString() }, d.Find(Id(1).ToString().ToUpperInvariant(), "n").Select(e => e.Id));
        }

        [Fact]
        public void A_name_that_reads_as_hex_is_looked_up_among_names_and_id_prefixes_alike_first_seen_first()
        {
            PeerDirectory d = NewDirectory(10);
            var face = new Id128(0xFACE_0000_0000_0001UL, 1);
            Learn(d, Id(7), "face");
            _clock.Advance(TimeSpan.FromMinutes(1));
            Learn(d, face, "mallory");

            var found = d.Find("FACE", "n");
            Assert.Equal(new[] { Id(7).ToString(), face.ToString() }, found.Select(e => e.Id));
            Assert.True(found[0].FirstSeen < found[1].FirstSeen);
            Assert.Single(d.Find("face0", "n"));
            Assert.Single(d.Find("mallory", "n"));
            Assert.Empty(d.Find("fac", "n")); // under 4 hex digits: a name only
        }
    }
}
