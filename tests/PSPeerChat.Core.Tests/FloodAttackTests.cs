using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Holes in the flood that a hostile neighbour could use to censor an honest broadcast, each written as that
    /// neighbour would send it (protocol.md §4.1, §8). Topology: the victim node N, with an honest origin S and a
    /// hostile H linked to it as raw peers, and a node B behind N that only N can reach.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class FloodAttackTests
    {
        private sealed class Scene : System.IDisposable
        {
            public readonly MemoryTestNetwork Net = new MemoryTestNetwork();
            public PeerNode N;
            public PeerNode B;
            public RawPeer S;
            public RawPeer H;

            public static async Task<Scene> CreateAsync()
            {
                var scene = new Scene();
                scene.N = scene.Net.Start("victim");
                scene.B = scene.Net.Start("behind");
                await scene.Net.LinkAsync(scene.B, scene.N);
                scene.S = await RawPeer.JoinAsync(scene.Net.Network, scene.N, name: "honest");
                scene.H = await RawPeer.JoinAsync(scene.Net.Network, scene.N, name: "hostile");
                await scene.Net.QuietAsync();
                return scene;
            }

            public void Dispose()
            {
                S?.Dispose();
                H?.Dispose();
                Net.Dispose();
            }
        }

        [Fact]
        public async Task A_junk_DIRECT_under_a_broadcasts_seen_key_cannot_make_the_broadcast_a_duplicate()
        {
            using Scene scene = await Scene.CreateAsync();
            FloodMessage genuine = Frames.LiveMessage(scene.S.Identity, "honest", "do not censor me");
            // The hostile neighbour saw the broadcast go by (or guessed its id) and races a DIRECT under its seen key:
            // relays cannot check a DIRECT, so it is remembered and relayed.
            FloodMessage junk = DirectFrame.Create(scene.H.Identity, "hostile", genuine.SeenKey, Id128.NewRandom(), scene.H.Remote.EncryptionKey, Frames.Now, 32, "junk");
            await scene.H.SendAsync(junk.Frame);
            await Eventually.UntilAsync(() => scene.N.MessagesRelayed == 1, TestNetwork.Wait, "the victim relayed the junk DIRECT");

            await scene.S.SendAsync(genuine.Frame);

            await Eventually.UntilAsync(() => scene.B.MessagesDelivered == 1, TestNetwork.Wait, "the node behind the victim delivered the broadcast",
                () => "victim delivered " + scene.N.MessagesDelivered + ", duplicates " + scene.N.DuplicatesDropped);
            Assert.Equal("do not censor me", scene.B.Receive(TestNetwork.Wait).Text);
            Assert.Equal(1, scene.N.MessagesDelivered);
        }

        [Fact]
        public async Task A_copy_poisoned_with_the_hop_limit_cannot_cut_the_path_of_the_genuine_copy()
        {
            using Scene scene = await Scene.CreateAsync();
            FloodMessage genuine = Frames.LiveMessage(scene.S.Identity, "honest", "reach everyone");
            // The hop count is outside the signature: the same signed bytes with hops at the limit are a valid copy that
            // the victim delivers but relays nowhere.
            await scene.H.SendAsync(Frames.WithHops(genuine.Frame, genuine.HopLimit));
            await Eventually.UntilAsync(() => scene.N.MessagesDelivered == 1, TestNetwork.Wait, "the victim delivered the poisoned copy");
            Assert.Equal(0, scene.B.MessagesDelivered);

            await scene.S.SendAsync(genuine.Frame); // the genuine copy, one hop from its origin

            await Eventually.UntilAsync(() => scene.B.MessagesDelivered == 1, TestNetwork.Wait, "the node behind the victim delivered the message",
                () => "victim duplicates " + scene.N.DuplicatesDropped);
            Assert.Equal(1, scene.N.MessagesDelivered); // delivered once, relayed again
            PeerMessage got = scene.B.Receive(TestNetwork.Wait);
            Assert.Equal("reach everyone", got.Text);
            Assert.Equal(2, got.Hops);
        }

        [Fact]
        public async Task A_later_copy_with_more_hops_is_still_a_duplicate_and_goes_nowhere()
        {
            using Scene scene = await Scene.CreateAsync();
            FloodMessage genuine = Frames.LiveMessage(scene.S.Identity, "honest", "once");
            await scene.S.SendAsync(genuine.Frame);
            await Eventually.UntilAsync(() => scene.B.MessagesDelivered == 1, TestNetwork.Wait, "B delivered it");
            long relayedBefore = scene.N.MessagesRelayed;

            await scene.H.SendAsync(Frames.WithHops(genuine.Frame, 5));
            await Eventually.UntilAsync(() => scene.N.DuplicatesDropped >= 1, TestNetwork.Wait, "the victim dropped the later copy");
            await scene.Net.QuietAsync();

            Assert.Equal(relayedBefore, scene.N.MessagesRelayed);
            Assert.Equal(1, scene.B.MessagesDelivered);
            Assert.Equal(1, scene.N.MessagesDelivered);
        }
    }
}
