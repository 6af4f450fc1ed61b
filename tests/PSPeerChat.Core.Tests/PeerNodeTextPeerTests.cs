using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>A plain text client (the article's protocol, or nc): UTF-8 lines in, "name: text" lines out.</summary>
    public class PeerNodeTextPeerTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        [Fact]
        public async Task Text_lines_reach_the_network_and_broadcasts_reach_the_text_client_as_lines()
        {
            using var net = new TestNetwork(2, "txt");
            await net.LinkAsync(0, 1);
            using var client = await RawPeer.ConnectAsync(net[0].Port);

            await client.SendAsync("hello\n");

            PeerMessage far = await Task.Run(() => net[1].Receive(Wait));
            Assert.NotNull(far);
            Assert.Equal("hello", far.Text);
            Assert.Equal(PeerProtocol.Text, far.Protocol);
            Assert.Equal(client.LocalAddress, far.From);
            Assert.Equal(client.LocalAddress, far.FromName);
            Assert.Equal(1, far.Hops);
            Assert.Equal(net[0].Id, far.Via);
            Assert.False(far.Verified);         // nothing proves who typed it
            Assert.Equal(net[0].Id, far.Gateway); // but the gateway that signed it is known

            // The gateway node hears it too, from the text peer's address.
            PeerMessage near = await Task.Run(() => net[0].Receive(Wait));
            Assert.NotNull(near);
            Assert.Equal(far.Id, near.Id);
            Assert.Equal(PeerProtocol.Text, near.Protocol);
            Assert.Equal(client.LocalAddress, near.From);

            Peer textLink = net[0].GetPeers().Single(p => p.Protocol == PeerProtocol.Text);
            Assert.Equal(client.LocalAddress, textLink.Address);
            Assert.Equal(PeerDirection.Inbound, textLink.Direction);
            Assert.Equal(2, net[0].PeerCount);

            net[1].Broadcast("hi text client\nthis was a second line");
            // The first line is the far node's (the client never gets its own line back), newlines flattened.
            Assert.Equal("txt1: hi text client this was a second line", await client.ReadLineAsync(Wait));
            net[0].Broadcast("grüße vom Gateway 🎉");
            Assert.Equal("txt0: grüße vom Gateway 🎉", await client.ReadLineAsync(Wait));
            Assert.Equal("grüße vom Gateway 🎉", (await Task.Run(() => net[1].Receive(Wait)))?.Text);

            // Windows line ends and non-ASCII text from the client.
            await client.SendAsync("schöne Grüße 👋\r\n");
            PeerMessage second = await Task.Run(() => net[1].Receive(Wait));
            Assert.Equal("schöne Grüße 👋", second?.Text);
            Assert.Equal(0, net[0].InvalidFrames + net[1].InvalidFrames);
        }

        [Fact]
        public async Task A_text_line_over_64KiB_closes_the_text_link_only()
        {
            using var net = new TestNetwork(2, "long");
            await net.LinkAsync(0, 1);
            using var client = await RawPeer.ConnectAsync(net[0].Port);
            await client.SendAsync("first line is fine\n");
            Assert.Equal("first line is fine", (await Task.Run(() => net[1].Receive(Wait)))?.Text);
            Assert.Equal("first line is fine", (await Task.Run(() => net[0].Receive(Wait)))?.Text); // the gateway hears it too

            await client.SendAsync(new string('a', ProtocolLimits.MaxLineBytes + 10));

            Assert.True(await client.ReadsEndOfStreamAsync(Wait));
            await Eventually.UntilAsync(() => net[0].InvalidFrames == 1 && net[0].PeerCount == 1, Wait, "the long line is counted and the text link gone");
            net[1].Broadcast("the PeerChat link is fine");
            Assert.Equal("the PeerChat link is fine", (await Task.Run(() => net[0].Receive(Wait)))?.Text);
        }
    }
}
