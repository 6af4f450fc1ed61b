using System;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// One link's frames and bytes are read at a bounded rate (protocol.md §8.8): a neighbour that sends faster is not
    /// read on until its budget refills, so TCP pushes back on it. Nothing it sent is dropped, and other links go on.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class ReadRateTests
    {
        [Fact]
        public async Task Forty_thousand_frames_at_once_are_read_at_the_link_rate_while_other_links_go_on()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            PeerNode honest = net.Start("honest");
            await net.LinkAsync(honest, node);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "firehose");
            Peer link = node.GetPeers().Single(p => p.Name == "firehose");
            await net.QuietAsync();

            // 40,000 frames of a type the node skips (protocol.md §3.4), 8 bytes each, in one write.
            const int count = 40000;
            byte[] frame = Frames.Prefixed(0x7E, 1, 2, 3);
            var flood = new byte[count * frame.Length];
            for (int i = 0; i < count; i++) Buffer.BlockCopy(frame, 0, flood, i * frame.Length, frame.Length);
            long before = link.BytesReceived;
            await raw.SendAsync(flood); // fits the in-memory window: the node need not read it for this to return

            await Eventually.UntilAsync(() => node.ReadPauses > 0, TestNetwork.Wait, "the reader paused");
            // The clock stands still: past the burst of 20,000 frames, at most one more read buffer came in.
            Assert.True(link.BytesReceived - before < flood.Length, "read " + (link.BytesReceived - before) + " of " + flood.Length + " bytes with the clock standing still");

            // Meanwhile the honest link is read as usual.
            honest.Broadcast("other links go on");
            Assert.Equal("other links go on", node.Receive(TestNetwork.Wait)?.Text);

            // Time lets the rest in (5,000 frames a second): nothing is lost, the link stays. On the wire the flood is
            // sealed in records of at most 65,519 bytes, each 18 bytes longer.
            int records = (flood.Length + RecordCipher.MaxPlaintext - 1) / RecordCipher.MaxPlaintext;
            long onTheWire = flood.Length + records * RecordCipher.RecordSize(0);
            await net.TickUntilAsync(() => link.BytesReceived - before == onTheWire, 10, "all bytes were read", settle: false);
            Assert.Equal(PeerState.Connected, link.State);
        }

        [Fact]
        public async Task Thirty_thousand_empty_records_are_opened_at_the_link_rate_while_other_links_go_on()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("victim");
            PeerNode honest = net.Start("honest");
            await net.LinkAsync(honest, node);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "empties");
            Peer link = node.GetPeers().Single(p => p.Name == "empties");
            await net.QuietAsync();

            // Records that carry nothing still cost a decryption each: they count against the frame rate (protocol.md §8.8).
            const int count = 30000;
            byte[] first = raw.SealRecord(Array.Empty<byte>());
            var flood = new byte[count * first.Length];
            Buffer.BlockCopy(first, 0, flood, 0, first.Length);
            for (int i = 1; i < count; i++) Buffer.BlockCopy(raw.SealRecord(Array.Empty<byte>()), 0, flood, i * first.Length, first.Length);
            long before = link.BytesReceived;
            Task send = raw.SendUnsealedAsync(flood); // past the burst of 20,000 the node stops reading: the rest waits in the window

            await Eventually.UntilAsync(() => node.ReadPauses > 0, TestNetwork.Wait, "the reader paused");
            Assert.True(link.BytesReceived - before < flood.Length, "read " + (link.BytesReceived - before) + " of " + flood.Length + " bytes with the clock standing still");
            honest.Broadcast("other links go on");
            Assert.Equal("other links go on", node.Receive(TestNetwork.Wait)?.Text);

            await net.TickUntilAsync(() => link.BytesReceived - before == flood.Length, 10, "all records were read", settle: false);
            await send;
            Assert.Equal(PeerState.Connected, link.State);
        }
    }
}
