using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Every broadcast is signed by its origin and checked by its receiver, even in a burst.</summary>
    public class SignatureVolumeTests
    {
        [Fact]
        public async Task Each_of_2000_broadcasts_is_verified_before_it_is_delivered()
        {
            const int count = 2000;
            using var net = new TestNetwork(2, "sigs");
            await net.LinkAsync(0, 1);
            await Eventually.UntilAsync(() => net[1].SignaturesVerified >= 1, TestNetwork.Wait, "the handshake's identity payload was counted"); // each side checks the other's Noise identity payload
            long verifiedBefore = net[1].SignaturesVerified;

            var sent = Enumerable.Range(0, count).Select(i => net[0].Broadcast("signed message " + i).Id).ToList();

            await Eventually.UntilAsync(() => net.Collect(1).Count >= count, TestNetwork.Wait, "all " + count + " broadcasts arrived", net.Describe);
            var got = net.Inboxes[1];
            Assert.Equal(count, got.Count);
            Assert.Equal(sent, got.Select(m => m.Id));
            Assert.All(got, m => Assert.True(m.Verified, "message " + m.Text + " was delivered unverified"));
            Assert.All(got, m => Assert.Equal(net[0].Id, m.From));
            Assert.True(net[1].SignaturesVerified - verifiedBefore >= count, "only " + (net[1].SignaturesVerified - verifiedBefore) + " signatures were checked for " + count + " messages");
            Assert.Equal(0, net[1].InvalidSignatures);
            Assert.Equal(0, net[1].ReplaysRefused);
            Assert.Equal(count, net[0].MessagesSent);
        }
    }
}
