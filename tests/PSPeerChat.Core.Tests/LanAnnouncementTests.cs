using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The LAN announcement datagram (protocol.md §10.2): one size, one magic, this version, an id and a port.</summary>
    public class LanAnnouncementTests
    {
        private static readonly Id128 Node = Id128.NewRandom();

        [Fact]
        public void An_announcement_is_23_bytes_and_decodes_to_what_was_encoded()
        {
            byte[] datagram = LanAnnouncement.Encode(Node, 55555);

            Assert.Equal(23, datagram.Length);
            Assert.True(LanAnnouncement.TryDecode(datagram, datagram.Length, out Id128 id, out ushort port));
            Assert.Equal(Node, id);
            Assert.Equal(55555, port);
        }

        [Fact]
        public void Every_truncation_and_every_longer_datagram_is_refused()
        {
            byte[] datagram = LanAnnouncement.Encode(Node, 55555);
            for (int length = 0; length < datagram.Length; length++)
            {
                Assert.False(LanAnnouncement.TryDecode(datagram, length, out _, out _), "length " + length);
            }
            var longer = new byte[datagram.Length + 1];
            datagram.CopyTo(longer, 0);
            Assert.False(LanAnnouncement.TryDecode(longer, longer.Length, out _, out _));
            Assert.False(LanAnnouncement.TryDecode(null, 0, out _, out _));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Another_magic_is_refused(int index)
        {
            byte[] datagram = LanAnnouncement.Encode(Node, 55555);
            datagram[index] ^= 0x20;
            Assert.False(LanAnnouncement.TryDecode(datagram, datagram.Length, out _, out _));
        }

        [Theory]
        [InlineData(3)]
        [InlineData(4)]
        [InlineData(6)]
        [InlineData(0)]
        public void Another_version_is_refused(byte version)
        {
            byte[] datagram = LanAnnouncement.Encode(Node, 55555);
            datagram[4] = version;
            Assert.False(LanAnnouncement.TryDecode(datagram, datagram.Length, out _, out _));
        }

        [Fact]
        public void An_empty_id_or_port_zero_is_refused()
        {
            byte[] noId = LanAnnouncement.Encode(new Id128(0, 0), 55555);
            byte[] noPort = LanAnnouncement.Encode(Node, 0);
            Assert.False(LanAnnouncement.TryDecode(noId, noId.Length, out _, out _));
            Assert.False(LanAnnouncement.TryDecode(noPort, noPort.Length, out _, out _));
        }
    }
}
