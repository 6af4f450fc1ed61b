using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// GETADDR is answered with a sample of the address book, never with the live neighbour list (protocol.md §3.6):
    /// which nodes a node is linked to is the map an attacker needs to surround it.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class AddressSampleTests
    {
        [Fact]
        public async Task A_prober_asking_again_and_again_is_never_told_which_addresses_are_the_nodes_neighbours()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("target");
            var neighbours = new List<PeerNode>();
            for (int i = 0; i < 3; i++)
            {
                PeerNode n = net.Start("n" + i);
                await net.LinkAsync(n, node);
                neighbours.Add(n);
            }
            using RawPeer prober = await RawPeer.JoinAsync(net.Network, node, name: "prober");
            await net.QuietAsync();

            var told = new List<AddressRecord>();
            for (int ask = 0; ask < 5; ask++)
            {
                await prober.SendAsync(AddressFrame.EncodeRequest());
                byte[] reply = await prober.ReadFrameAsync(f => f[0] == (byte)FrameType.Addresses, TestNetwork.Wait, "ADDR");
                Assert.NotNull(reply);
                told.AddRange(AddressFrame.TryDecode(reply, 0, reply.Length, out string error) ?? throw new Xunit.Sdk.XunitException(error));
                await net.TickAsync(); // past the 0.8 s between answers to one link
            }

            // The neighbours' addresses may be in a sample (they are in the book), but nothing marks them as neighbours.
            Assert.NotEmpty(told);
            Assert.DoesNotContain(told, r => r.IsNeighbour);
            Assert.True(told.Select(r => r.NodeId).All(id => neighbours.Any(n => n.NodeId == id)), "only addresses from the book");
        }
    }
}
