using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Content;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A neighbour with a valid handshake signs object messages (protocol.md §3.13) whose JSON is hostile: too deep, too
    /// many values, duplicate names, numbers past a double, lax syntax, not JSON at all. B (node 0) is linked to C
    /// (node 1), the raw peer to B. None of them may be delivered anywhere; each is counted in InvalidObjects; the
    /// frames are signed, so B relays them (relays do not read the text, C refuses them the same way) and keeps the link.
    /// </summary>
    public class ObjectAttackTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        private static readonly string[] Hostile =
        {
            new string('[', 33) + new string(']', 33),
            "[" + string.Join(",", Enumerable.Repeat("0", 10000)) + "]",
            "{\"a\":1,\"A\":2}",
            "{\"n\":1e400}",
            "{\"a\":1,}",
            "{\"a\":NaN}",
            "not json at all",
            "{\"$type\":\"System.IO.FileInfo\",\"x\":", // truncated
        };

        [Fact]
        public async Task Signed_MESSAGEs_with_hostile_JSON_are_counted_and_not_delivered_and_the_link_stays()
        {
            using var net = await TestNetwork.LinkedPairAsync("objm");
            var mallory = NodeIdentity.Create();
            using var raw = await RawPeer.JoinAsync(net[0], mallory, "mallory");
            foreach (string json in Hostile)
            {
                await raw.SendAsync(MessageFrame.CreateMessage(mallory, Id128.NewRandom(), "mallory", Frames.Now, 32, MessageFlags.Json, json).Frame);
            }
            FloodMessage good = MessageFrame.CreateMessage(mallory, Id128.NewRandom(), "mallory", Frames.Now, 32, MessageFlags.Json, "{\"$type\":\"System.IO.FileInfo\",\"ok\":true}");
            await raw.SendAsync(good.Frame);

            await Eventually.UntilAsync(() => net.Collect(0).Count >= 1 && net.Collect(1).Count >= 1 && net[1].InvalidObjects == Hostile.Length, Wait,
                "B and C got the good object and C counted every hostile one", () => net.Describe() + ", invalid objects " + net[0].InvalidObjects + "/" + net[1].InvalidObjects);
            foreach (int node in new[] { 0, 1 })
            {
                PeerMessage only = Assert.Single(net.Inboxes[node]);
                Assert.Equal(good.Id.ToString(), only.Id);
                Assert.True(only.IsObject);
                var bag = Assert.IsType<JsonObject>(only.Data); // no converter in the engine: the neutral tree, a property bag
                Assert.Equal(new[] { "$type", "ok" }, bag.Properties.Select(p => p.Key));
                Assert.Equal(Hostile.Length, net[node].InvalidObjects);
                Assert.Equal(0, net[node].InvalidFrames);
                Assert.Equal(0, net[node].InvalidSignatures);
            }
            Assert.Equal(2, net[0].PeerCount); // C and mallory: not a link fault
        }

        [Fact]
        public async Task A_signed_DIRECT_with_hostile_JSON_is_counted_and_not_delivered_and_the_link_stays()
        {
            using var net = await TestNetwork.LinkedPairAsync("objd");
            var mallory = NodeIdentity.Create();
            using var raw = await RawPeer.JoinAsync(net[0], mallory, "mallory");
            NodeIdentity b = net[0].Identity;
            foreach (string json in Hostile.Take(3))
            {
                await raw.SendAsync(DirectFrame.Create(mallory, "mallory", Id128.NewRandom(), b.NodeId, b.EncryptionPublicKey, Frames.Now, 32, json, content: MessageFlags.Json).Frame);
            }
            FloodMessage good = DirectFrame.Create(mallory, "mallory", Id128.NewRandom(), b.NodeId, b.EncryptionPublicKey, Frames.Now, 32, "[1,\"two\"]", content: MessageFlags.Json);
            await raw.SendAsync(good.Frame);

            await Eventually.UntilAsync(() => net.Collect(0).Count >= 1, Wait, "B got the good object", net.Describe);
            PeerMessage only = Assert.Single(net.Inboxes[0]);
            Assert.Equal(good.Id.ToString(), only.Id);
            Assert.True(only.IsDirect);
            Assert.Equal(new object[] { 1L, "two" }, Assert.IsType<object[]>(only.Data));
            Assert.Equal(3, net[0].InvalidObjects);
            Assert.Equal(0, net[0].InvalidSignatures); // it opened and its signature verified: only its content is refused
            Assert.Equal(2, net[0].PeerCount);
            Assert.Empty(net.Collect(1));
        }
    }
}
