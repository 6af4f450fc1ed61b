using System.Linq;
using System.Net;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// An ADDR nobody asked for is learned only as the addresses a shedding node gives, just before its CLOSE Shed, and
    /// then only the last one (protocol.md §3.6, §4.2): a neighbour cannot use unasked lists to fill the book.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class ShedAddressAttackTests
    {
        private static byte[] Addr(int port) => AddressFrame.Encode(new[] { new AddressRecord(new IPEndPoint(IPAddress.Parse("127.0.0.9"), port), default(Id128), isNeighbour: false) });

        [Fact]
        public async Task An_unasked_ADDR_followed_by_any_other_close_is_not_learned()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("target");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "pusher");
            await net.QuietAsync();

            await raw.SendAsync(Addr(4001));
            await raw.SendAsync(CloseFrame.Encode(CloseReason.UserRequest, "bye"));
            await Eventually.UntilAsync(() => node.PeerCount == 0, TestNetwork.Wait, "the link closed");

            Assert.DoesNotContain(node.GetAddressBook(), e => e.Address.StartsWith("127.0.0.9:"));
        }

        [Fact]
        public async Task Before_a_CLOSE_Shed_only_the_last_unasked_ADDR_is_learned()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("target");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "shedder");
            await net.QuietAsync();

            for (int port = 4001; port <= 4010; port++) await raw.SendAsync(Addr(port));
            await raw.SendAsync(CloseFrame.Encode(CloseReason.Shed, "too many links"));
            await Eventually.UntilAsync(() => node.PeerCount == 0, TestNetwork.Wait, "the link closed");

            PeerAddressEntry[] learned = node.GetAddressBook().Where(e => e.Address.StartsWith("127.0.0.9:")).ToArray();
            Assert.Equal("127.0.0.9:4010", Assert.Single(learned).Address);
        }
    }
}
