using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Content;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Object messages through the engine's API (protocol.md §3.13): what a receiver and a plain text peer get, and what a sender may not send.</summary>
    public class ObjectMessageTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        [Fact]
        public async Task An_object_arrives_as_its_tree_and_a_text_peer_gets_its_JSON_as_the_line()
        {
            using var net = new TestNetwork(2, "objt");
            await net.LinkAsync(0, 1);
            using var client = await RawPeer.ConnectAsync(net[0].Port);
            await Eventually.UntilAsync(() => net[0].GetPeers().Any(p => p.Protocol == PeerProtocol.Text), Wait, "the text client is linked");

            const string json = "{\"Name\":\"pwsh\",\"Id\":42,\"Tags\":[\"a\",true,null,1.5]}";
            PeerMessage sent = net[1].BroadcastJson(json);
            Assert.True(sent.IsObject);
            Assert.IsType<JsonObject>(sent.Data);

            PeerMessage got = await Task.Run(() => net[0].Receive(Wait));
            Assert.NotNull(got);
            Assert.True(got.IsObject);
            Assert.Equal(json, got.Text);
            var bag = Assert.IsType<JsonObject>(got.Data);
            Assert.Equal(new[] { "Name", "Id", "Tags" }, bag.Properties.Select(p => p.Key));
            Assert.Equal(42L, bag.Properties[1].Value);
            Assert.Equal(new object[] { "a", true, null, 1.5 }, (object[])bag.Properties[2].Value);
            Assert.Equal("objt1: " + json, await client.ReadLineAsync(Wait));

            net[1].Broadcast("plain");
            PeerMessage text = await Task.Run(() => net[0].Receive(Wait));
            Assert.False(text.IsObject);
            Assert.Null(text.Data);
        }

        [Theory]
        [InlineData("{\"a\":1,\"A\":2}")]
        [InlineData("{\"a\":NaN}")]
        [InlineData("")]
        public async Task A_node_refuses_to_send_JSON_its_receivers_would_drop(string json)
        {
            using var net = await TestNetwork.LinkedPairAsync("objr");
            var ex = Assert.Throws<ArgumentException>(() => net[0].BroadcastJson(json));
            Assert.Equal("json", ex.ParamName);
            Assert.Throws<ArgumentException>(() => net[0].SendDirectJson(net[1].Id, json));
            Assert.Equal(0, net[0].MessagesSent);
        }
    }
}
