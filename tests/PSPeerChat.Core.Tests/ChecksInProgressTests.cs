using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using Xunit;
using PSPeerChat.Identity;

namespace PSPeerChat.Core.Tests
{
    public class ChecksInProgressTests
    {
        private static readonly Id128 Key = new Id128(0x1234UL, 0x5678UL);

        private static byte[] Frame(byte fill, byte hops)
        {
            var frame = new byte[40];
            for (int i = 0; i < frame.Length - 1; i++) frame[i] = fill;
            frame[frame.Length - 1] = hops;
            return frame;
        }

        [Fact]
        public void A_copy_that_differs_only_in_its_hop_count_is_dropped_while_the_first_is_checked()
        {
            var checks = new ChecksInProgress();
            byte[] first = Frame(7, hops: 1);

            Assert.True(checks.TryBegin(Key, first, out bool registered));
            Assert.True(registered);
            Assert.False(checks.TryBegin(Key, Frame(7, hops: 3), out bool again)); // same signed bytes: same verdict
            Assert.False(again);
            Assert.Equal(1, checks.Count);
        }

        [Fact]
        public void A_copy_with_other_bytes_under_the_same_key_is_checked_on_its_own()
        {
            // A forgery racing the genuine message (or the genuine one racing a forgery) must not ride on its verdict.
            var checks = new ChecksInProgress();
            byte[] forged = Frame(9, hops: 1);
            Assert.True(checks.TryBegin(Key, forged, out _));

            Assert.True(checks.TryBegin(Key, Frame(7, hops: 1), out bool registered));
            Assert.False(registered); // not recorded: its End would have nothing to remove
            Assert.Equal(1, checks.Count);
        }

        [Fact]
        public void Once_a_check_ends_the_same_bytes_are_checked_again()
        {
            // A check that failed leaves nothing behind: the next copy gets its own check.
            var checks = new ChecksInProgress();
            byte[] first = Frame(7, hops: 1);
            Assert.True(checks.TryBegin(Key, first, out _));
            checks.End(Key, first);

            Assert.Equal(0, checks.Count);
            Assert.True(checks.TryBegin(Key, Frame(7, hops: 2), out bool registered));
            Assert.True(registered);
        }

        [Fact]
        public void Frames_under_different_keys_do_not_meet()
        {
            var checks = new ChecksInProgress();
            Assert.True(checks.TryBegin(Key, Frame(7, 1), out _));
            Assert.True(checks.TryBegin(new Id128(1, 2), Frame(7, 1), out bool registered));
            Assert.True(registered);
            Assert.Equal(2, checks.Count);
        }

        [Fact]
        public void Ending_a_check_removes_only_that_frame()
        {
            var checks = new ChecksInProgress();
            byte[] a = Frame(7, 1);
            byte[] b = Frame(7, 1);
            var other = new Id128(1, 2);
            Assert.True(checks.TryBegin(Key, a, out _));
            Assert.True(checks.TryBegin(other, b, out _));

            checks.End(Key, b); // b was registered under the other key: nothing happens here
            Assert.Equal(2, checks.Count);
            checks.End(Key, a);
            checks.End(other, b);
            Assert.Equal(0, checks.Count);
        }
    }
}
