using System;
using System.Linq;
using System.Threading;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using Xunit;
using PSPeerChat.Identity;

namespace PSPeerChat.Core.Tests
{
    public class SeenCacheTests
    {
        private static Id128 Id(int n) => new Id128(0xABCDUL, (ulong)n);

        [Fact]
        public void TryAdd_is_true_for_a_new_id_and_false_for_a_duplicate()
        {
            var cache = new SeenCache(10, TimeSpan.FromMinutes(1));

            Assert.False(cache.Contains(Id(1)));
            Assert.True(cache.TryAdd(Id(1)));
            Assert.False(cache.TryAdd(Id(1)));
            Assert.False(cache.TryAdd(new Id128(0xABCDUL, 1UL))); // equal by value, not by reference
            Assert.True(cache.TryAdd(Id(2)));
            Assert.True(cache.Contains(Id(1)));
            Assert.Equal(2, cache.Count);
            Assert.Equal(0, cache.EvictedEarly);
        }

        [Fact]
        public void The_count_bound_evicts_the_oldest_first_and_counts_it()
        {
            long now = 0;
            var cache = new SeenCache(3, TimeSpan.FromMinutes(10), () => now);
            for (int i = 1; i <= 3; i++)
            {
                Assert.True(cache.TryAdd(Id(i)));
                now += 10;
            }

            Assert.True(cache.TryAdd(Id(4)));

            Assert.Equal(3, cache.Count);
            Assert.Equal(1, cache.EvictedEarly);
            Assert.False(cache.Contains(Id(1)));
            Assert.True(cache.Contains(Id(2)));
            Assert.True(cache.Contains(Id(3)));
            Assert.True(cache.Contains(Id(4)));

            Assert.True(cache.TryAdd(Id(5)));
            Assert.False(cache.Contains(Id(2)));
            Assert.True(cache.Contains(Id(3)));
            Assert.Equal(2, cache.EvictedEarly);

            // The evicted id is new again: a late copy of it would be handled once more.
            Assert.True(cache.TryAdd(Id(1)));
            Assert.False(cache.Contains(Id(3)));
        }

        [Fact]
        public void The_time_bound_forgets_an_id_after_its_lifetime()
        {
            long now = 1_000_000;
            var cache = new SeenCache(100, TimeSpan.FromSeconds(10), () => now);
            Assert.True(cache.TryAdd(Id(1)));
            now += 4_000;
            Assert.True(cache.TryAdd(Id(2)));

            now += 5_999; // 9.999 s after id 1
            Assert.True(cache.Contains(Id(1)));
            Assert.False(cache.TryAdd(Id(1))); // a duplicate does not extend the lifetime

            now += 1; // 10 s after id 1, 6 s after id 2
            Assert.False(cache.Contains(Id(1)));
            Assert.True(cache.Contains(Id(2)));
            Assert.Equal(1, cache.Count);

            now += 4_000;
            Assert.False(cache.Contains(Id(2)));
            Assert.Equal(0, cache.Count);
            Assert.Equal(0, cache.EvictedEarly); // expiry is not early eviction

            Assert.True(cache.TryAdd(Id(1)));
        }

        [Fact]
        public void Count_never_exceeds_capacity_under_many_adds()
        {
            long now = 0;
            var cache = new SeenCache(100, TimeSpan.FromHours(1), () => now++);

            for (int i = 0; i < 10_000; i++)
            {
                Assert.True(cache.TryAdd(Id(i)));
                Assert.True(cache.Count <= 100, "count " + cache.Count + " after " + (i + 1) + " adds");
            }

            Assert.Equal(100, cache.Count);
            Assert.Equal(9_900, cache.EvictedEarly);
            Assert.All(Enumerable.Range(9_900, 100), i => Assert.True(cache.Contains(Id(i))));
            Assert.False(cache.Contains(Id(9_899)));
        }

        [Fact]
        public void Concurrent_TryAdd_of_the_same_id_returns_true_exactly_once()
        {
            const int ids = 5_000;
            const int threads = 4;
            var cache = new SeenCache(ids * 2, TimeSpan.FromHours(1));
            var wins = new int[ids];
            using var start = new Barrier(threads);

            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < ids; i++)
                {
                    if (cache.TryAdd(Id(i))) Interlocked.Increment(ref wins[i]);
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => Assert.True(w.Join(TimeSpan.FromSeconds(20)), "a worker thread hung"));

            Assert.All(Enumerable.Range(0, ids), i => Assert.Equal(1, wins[i]));
            Assert.Equal(ids, cache.Count);
        }

        [Fact]
        public void The_constructor_refuses_bounds_that_make_no_sense()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new SeenCache(0, TimeSpan.FromSeconds(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => new SeenCache(1, TimeSpan.Zero));
        }
    }
}
