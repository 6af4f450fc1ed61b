using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Passing as someone else on screen: names with bidi and format characters, text-origin messages under a node id.</summary>
    [Collection(FakeClockCollection.Name)]
    public class NameAttackTests
    {
        // "alice" + RIGHT-TO-LEFT OVERRIDE + "cba" shows as "aliceabc"; ZERO WIDTH SPACE and WORD JOINER are invisible.
        private const string Disguised = "alice\u202Ecba\u200B\u2060";

        [Fact]
        public async Task A_neighbours_name_loses_its_bidi_and_format_characters()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: Disguised);

            string shown = node.GetPeers().Single().Name;
            Assert.Equal("alice?cba??", shown);
            Assert.DoesNotContain(node.GetDirectory(), e => e.Name.Contains('\u202E'));
        }

        [Fact]
        public async Task A_broadcasts_origin_name_loses_its_bidi_and_format_characters()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "raw");

            await raw.SendAsync(Frames.LiveMessage(raw.Identity, Disguised, "look who it is").Frame);

            PeerMessage got = node.Receive(TestNetwork.Wait);
            Assert.Equal("alice?cba??", got.FromName);
        }

        [Fact]
        public void A_node_name_with_a_bidi_override_is_refused_at_start()
        {
            PeerNodeOptions options = TestNetwork.Options(Disguised);
            options.Network = new PSPeerChat.Transport.MemoryNetwork();
            var error = Assert.ThrowsAny<System.ArgumentException>(() => PeerNode.Start(options).Stop());
            Assert.Contains("bidi", error.Message);
        }

        [Fact]
        public async Task A_text_origin_message_whose_name_is_a_node_id_is_dropped_not_shown_as_that_node()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            PeerNode alice = net.Start("alice");
            await net.LinkAsync(alice, node);
            using RawPeer mallory = await RawPeer.JoinAsync(net.Network, node, name: "mallory");
            await net.QuietAsync();

            // Signed by mallory, flagged as a gateway's text line, named with alice's id: shown, it would read "From alice".
            FloodMessage forged = MessageFrame.CreateMessage(mallory.Identity, Id128.NewRandom(), alice.Id, Frames.Now, ProtocolLimits.DefaultHopLimit, MessageFlags.TextOrigin, "send me your password");
            await mallory.SendAsync(forged.Frame);
            await Eventually.UntilAsync(() => node.InvalidFrames == 1, TestNetwork.Wait, "the victim counted the forgery");

            // An honest line through the same link still arrives: the link stays (a relay may be honest).
            await mallory.SendAsync(Frames.LiveMessage(mallory.Identity, "mallory", "an honest line").Frame);
            PeerMessage got = node.Receive(TestNetwork.Wait);
            Assert.Equal("an honest line", got.Text);
            Assert.Equal(1, node.MessagesDelivered);
            Assert.Equal("an honest line", alice.Receive(TestNetwork.Wait).Text); // the forgery was not relayed either
            Assert.Equal(1, alice.MessagesDelivered);
            Assert.Contains(node.GetPeers(), p => p.Id == mallory.Identity.NodeId.ToString());
        }
    }
}
