using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Misbehaviour costs the misbehaver (protocol.md §8.7): one strike, then its address waits ten minutes.</summary>
    [Collection(FakeClockCollection.Name)]
    public class DiscouragementTests
    {
        private static readonly IPAddress Hostile = IPAddress.Parse("203.0.113.5");

        [Fact]
        public async Task A_peer_that_sends_a_forged_broadcast_is_closed_and_its_address_refused_for_ten_minutes()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            RawPeer raw = await RawPeer.ConnectAsync(net.Network, node.Port, Hostile);
            await raw.HandshakeAsync(NodeIdentity.Create(), "mallory", 1, listenPort: 4000);
            await Eventually.UntilAsync(() => node.PeerCount == 1, TestNetwork.Wait, "the hostile peer registered");

            // A broadcast whose signature does not match: no honest node sends one.
            byte[] forged = (byte[])Frames.LiveMessage(raw.Identity, "mallory", "forged").Frame.Clone();
            forged[forged.Length - 5] ^= 1;
            await raw.SendAsync(forged);
            await Eventually.UntilAsync(() => node.PeerCount == 0, TestNetwork.Wait, "the forger's link was closed");
            raw.Dispose();

            // It comes back at once, from the same address: closed before a byte is read.
            using RawPeer again = await RawPeer.ConnectAsync(net.Network, node.Port, Hostile);
            Assert.True(await again.ReadsEndOfStreamAsync(TestNetwork.Wait));
            Assert.Equal(1, node.ConnectionsRefused);
            PeerAddressEntry entry = node.GetAddressBook().Single(e => e.Address == "203.0.113.5:4000");
            Assert.NotNull(entry.DiscouragedUntil);

            // Another address is not affected, and ten minutes later the hostile one may try again.
            using RawPeer neighbour = await RawPeer.ConnectAsync(net.Network, node.Port, IPAddress.Parse("198.51.100.9"));
            await neighbour.HandshakeAsync(NodeIdentity.Create(), "honest", 2);
            await Eventually.UntilAsync(() => node.PeerCount == 1, TestNetwork.Wait, "an honest peer from elsewhere registered");
            await net.JumpAsync(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1), settle: false);
            using RawPeer later = await RawPeer.ConnectAsync(net.Network, node.Port, Hostile);
            await later.HandshakeAsync(NodeIdentity.Create(), "mallory-again", 3);
            await Eventually.UntilAsync(() => node.GetPeers().Any(p => p.Name == "mallory-again"), TestNetwork.Wait, "the address is welcome again");
        }

        [Fact]
        public async Task Loopback_is_never_discouraged()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            using (RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "local"))
            {
                await raw.SendAsync(new byte[] { 0, 0, 0, 0 }); // an empty frame: a protocol error
                await Eventually.UntilAsync(() => node.PeerCount == 0, TestNetwork.Wait, "the link was closed");
            }
            using RawPeer again = await RawPeer.JoinAsync(net.Network, node, name: "local-again");
            Assert.Equal(0, node.ConnectionsRefused);
        }
    }
}
