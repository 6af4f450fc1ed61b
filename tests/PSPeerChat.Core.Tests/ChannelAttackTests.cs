using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A hostile neighbour sends MESSAGEs, signed by itself, whose channel field breaks the rules of protocol.md §3.2:
    /// the link is closed with ProtocolError and counted, nothing is delivered or relayed, the other link goes on.
    /// </summary>
    public class ChannelAttackTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        [Theory]
        [InlineData("200 bytes")]
        [InlineData("33 bytes")]
        [InlineData("control characters")]
        [InlineData("whitespace")]
        [InlineData("wildcard")]
        [InlineData("not UTF-8")]
        [InlineData("sealed lobby")]
        public async Task A_MESSAGE_with_an_invalid_channel_closes_the_link_with_ProtocolError(string kind)
        {
            using var net = await TestNetwork.LinkedPairAsync("chan");
            var hostile = NodeIdentity.Create();
            using var raw = await RawPeer.ConnectAsync(net[0].Port);
            await raw.HandshakeAsync(hostile, "raw", 42);
            string rawId = hostile.NodeId.ToString();
            await Eventually.UntilAsync(() => net[0].GetPeers().Any(p => p.Id == rawId), Wait, "the hostile peer is registered");

            byte[] channel;
            MessageFlags flags = MessageFlags.None;
            switch (kind)
            {
                case "200 bytes": channel = Encoding.ASCII.GetBytes(new string('c', 200)); break;
                case "33 bytes": channel = Encoding.ASCII.GetBytes(new string('c', 33)); break;
                case "control characters": channel = Encoding.ASCII.GetBytes("ops\u001b[2J\u0007"); break;
                case "whitespace": channel = Encoding.ASCII.GetBytes("o ps"); break;
                case "wildcard": channel = Encoding.ASCII.GetBytes("o*"); break;
                case "not UTF-8": channel = new byte[] { (byte)'o', 0xC3, (byte)'p' }; break;
                case "sealed lobby": channel = new byte[0]; flags = MessageFlags.Sealed; break;
                default: throw new ArgumentException(kind);
            }
            await raw.SendAsync(HostileFrames.Message(hostile, channel, kind == "sealed lobby" ? new string('s', 40) : "hello", Frames.Now, flags));

            var (reason, _) = await raw.ReadCloseAsync(Wait);
            Assert.Equal(CloseReason.ProtocolError, reason);
            await Eventually.UntilAsync(() => net[0].InvalidFrames == 1 && net[0].PeerCount == 1, Wait, "the hostile link is counted and gone");
            Assert.Equal(0, net[0].InboxCount);
            Assert.Equal(0, net[0].MessagesRelayed);

            net[1].Broadcast("still here");
            Assert.Equal("still here", (await Task.Run(() => net[0].Receive(Wait)))?.Text);
            Assert.Equal(0, net[1].InvalidFrames);
        }
    }
}
