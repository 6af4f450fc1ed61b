using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Work a hostile neighbour can make a node do for free.</summary>
    [Collection(FakeClockCollection.Name)]
    public class CpuAttackTests
    {
        [Fact]
        public async Task The_same_undecryptable_DIRECT_sent_a_thousand_times_is_opened_once()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            var mallory = NodeIdentity.Create();
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, mallory, "mallory");
            long verifiedBefore = node.SignaturesVerified; // the handshake's proof

            FloodMessage genuine = DirectFrame.Create(mallory, "mallory", Id128.NewRandom(), node.NodeId, raw.Remote.EncryptionKey, Frames.Now, 32, "x");
            byte[] junk = (byte[])genuine.Frame.Clone();
            junk[junk.Length - 10] ^= 0x20; // a byte of the tag: it will never open
            Peer link = node.GetPeers().Single();
            for (int i = 0; i < 1000 && link.State != PeerState.Closed; i++)
            {
                // Sent again and again, the first hundred times also with other hop counts (outside what the hash
                // covers), then as its own (hops 1), which makes each copy over budget a fault of the sender's (§8.7).
                await raw.SendAsync(Frames.WithHops(junk, (byte)(i < 100 ? 1 + i % 30 : 1)));
            }
            await Eventually.UntilAsync(() => link.State == PeerState.Closed, TestNetwork.Wait, "the junk sender was closed");

            Assert.Equal(1, node.SignaturesVerified - verifiedBefore); // opened once
            Assert.Equal(1, node.InvalidSignatures);
            // The repeats were recognised by hash, and past the link's DIRECT budget (protocol.md §8.8) not even that:
            // each of those is a fault, and past 500 of them the link is closed (§8.7).
            Assert.Equal(CloseReason.OverBudget, link.CloseReason);
            Assert.InRange(node.BudgetDrops, 441, 1000);

            // The genuine DIRECT (other bytes) still opens when an honest relay brings it: the negative cache holds only what failed.
            using RawPeer relay = await RawPeer.JoinAsync(net.Network, node, name: "relay");
            await relay.SendAsync(genuine.Frame);
            PeerMessage got = node.Receive(TestNetwork.Wait);
            Assert.Equal("x", got.Text);
            Assert.True(got.IsDirect);
        }
    }
}
