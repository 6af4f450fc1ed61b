using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Raw TCP clients sending bytes that break the protocol: only their own link may suffer.</summary>
    public class PeerNodeHostileInputTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;


        /// <summary>The node's other link still carries messages both ways.</summary>
        private static async Task AssertStillChatsAsync(TestNetwork net, string tag)
        {
            net[0].Broadcast("0 says " + tag);
            net[1].Broadcast("1 says " + tag);
            Assert.Equal("0 says " + tag, (await Task.Run(() => net[1].Receive(Wait)))?.Text);
            Assert.Equal("1 says " + tag, (await Task.Run(() => net[0].Receive(Wait)))?.Text);
        }

        /// <summary>Reads frames until a CLOSE arrives; returns its reason.</summary>
        private static async Task<CloseReason> ReadCloseAsync(RawPeer raw) => (await raw.ReadCloseAsync(Wait)).reason;

        [Fact]
        public async Task A_length_prefix_over_64KiB_closes_that_link_only()
        {
            using var net = await TestNetwork.LinkedPairAsync("big");
            using var raw = await RawPeer.ConnectAsync(net[0].Port);

            await raw.SendAsync(new byte[] { 0x00, 0x01, 0x86, 0xA0 }); // 100000, and no body at all

            Assert.Equal(CloseReason.FrameTooLarge, await ReadCloseAsync(raw));
            Assert.True(await raw.ReadsEndOfStreamAsync(Wait));
            await Eventually.UntilAsync(() => net[0].InvalidFrames == 1, Wait, "the node counted the invalid frame");
            Assert.Equal(1, net[0].PeerCount);
            Assert.True(TestNetwork.HasPeer(net[0], net[1]));
            await AssertStillChatsAsync(net, "after the oversized frame");
            Assert.Equal(1, net[0].InvalidFrames);
            Assert.Equal(0, net[1].InvalidFrames);
        }

        private static byte[] Garbage(string kind, NodeIdentity raw, PeerNode node)
        {
            switch (kind)
            {
                case "hops 0": return Frames.WithHops(Frames.LiveMessage(raw, "raw", "x").Frame, 0);
                case "hops over the limit": return Frames.WithHops(Frames.NewMessage("raw", "x", hopLimit: 5, signer: raw, timestampMs: Frames.Now).Frame, 6);
                case "invalid UTF-8":
                {
                    byte[] f = Frames.LiveMessage(raw, "raw", "abc").Frame;
                    f[Frames.SignatureIndex(f) - 2] = 0xFF;
                    return f;
                }
                case "name length past the end":
                {
                    byte[] f = Frames.LiveMessage(raw, "abc", "").Frame;
                    f[Frames.MessageNameLengthOffset] = 40;
                    return f;
                }
                case "MESSAGE shorter than its header": return Frames.Prefixed((byte)FrameType.Message, 0, 1, 5, 1, 2, 3);
                case "ANNOUNCE without a 32-byte key":
                {
                    byte[] body = Frames.Body(MessageFrame.CreateAnnounce(raw, Id128.NewRandom(), "raw", Frames.Now, 5).Frame);
                    return Frames.Prefixed(body.Take(body.Length - Frames.Trailer - 1).Concat(body.Skip(body.Length - Frames.Trailer)).ToArray());
                }
                case "DIRECT shorter than its header": return Frames.Prefixed(Frames.Body(DirectFrame.Create(raw, "raw", Id128.NewRandom(), node.NodeId, node.Identity.EncryptionPublicKey, Frames.Now, 5, "").Frame).Take(60).ToArray());
                case "timestamp out of range": return MessageFrame.CreateMessage(raw, Id128.NewRandom(), "raw", long.MaxValue, 5, MessageFlags.None, "x").Frame;
                case "second HELLO": return HelloFrame.Encode();
                case "second INTRO": return IntroFrame.Encode(1, 0, "raw");
                case "empty frame": return new byte[] { 0, 0, 0, 0 };
                case "oversized frame": return new byte[] { 0x00, 0x10, 0x00, 0x00 };
                default: throw new ArgumentException(kind);
            }
        }

        [Theory]
        [InlineData("hops 0", CloseReason.ProtocolError)]
        [InlineData("hops over the limit", CloseReason.ProtocolError)]
        [InlineData("invalid UTF-8", CloseReason.ProtocolError)]
        [InlineData("name length past the end", CloseReason.ProtocolError)]
        [InlineData("MESSAGE shorter than its header", CloseReason.ProtocolError)]
        [InlineData("ANNOUNCE without a 32-byte key", CloseReason.ProtocolError)]
        [InlineData("DIRECT shorter than its header", CloseReason.ProtocolError)]
        [InlineData("timestamp out of range", CloseReason.ProtocolError)]
        [InlineData("second HELLO", CloseReason.ProtocolError)]
        [InlineData("second INTRO", CloseReason.ProtocolError)]
        [InlineData("empty frame", CloseReason.ProtocolError)]
        [InlineData("oversized frame", CloseReason.FrameTooLarge)]
        public async Task A_valid_handshake_then_a_garbage_frame_closes_only_that_link(string kind, CloseReason expected)
        {
            using var net = await TestNetwork.LinkedPairAsync("junk");
            var rawIdentity = NodeIdentity.Create();
            using var raw = await RawPeer.ConnectAsync(net[0].Port);

            RawPeer.RemoteNode hello = await raw.HandshakeAsync(rawIdentity, "raw", 0x0123456789ABCDEFUL);

            Assert.Equal(net[0].Id, hello.NodeId.ToString());
            Assert.Equal("junk0", hello.Name);
            Assert.Equal(0x0123456789ABCDEFUL, hello.LinkToken); // the acceptor echoes the dialer's token
            Assert.Equal(net[0].Port, hello.ListenPort);
            Assert.Equal(net[0].Identity.SigningPublicKey, hello.SigningKey);
            Assert.Equal(net[0].Identity.EncryptionPublicKey, hello.EncryptionKey);
            string rawId = rawIdentity.NodeId.ToString();
            await Eventually.UntilAsync(() => net[0].GetPeers().Any(p => p.Id == rawId && p.Name == "raw"), Wait, "the raw peer is registered");
            Assert.Equal(2, net[0].PeerCount);

            await raw.SendAsync(Garbage(kind, rawIdentity, net[0]));

            Assert.Equal(expected, await ReadCloseAsync(raw));
            Assert.True(await raw.ReadsEndOfStreamAsync(Wait));
            await Eventually.UntilAsync(() => net[0].InvalidFrames == 1 && net[0].PeerCount == 1, Wait, "the bad link is counted and gone");
            Assert.True(TestNetwork.HasPeer(net[0], net[1]));
            await AssertStillChatsAsync(net, "after " + kind);
            Assert.Equal(0, net[0].InboxCount); // the garbage was never delivered
            Assert.Equal(0, net[1].InboxCount);
            Assert.Equal(1, net[0].InvalidFrames);
            Assert.Equal(0, net[1].InvalidFrames);
            Assert.Equal(0, net[0].InvalidSignatures); // malformed is not forged: no signature was ever checked
        }
    }
}
