using System;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Settings that could not take effect are refused at start, with a message that says what to change.</summary>
    public class PeerNodeOptionsTests
    {
        private static ArgumentException Refused(Action<PeerNodeOptions> configure)
        {
            PeerNodeOptions options = TestNetwork.Options("x");
            configure(options);
            return Assert.ThrowsAny<ArgumentException>(() => PeerNode.Start(options).Stop());
        }

        [Fact]
        public void A_keepalive_interval_under_the_one_second_tick_is_refused()
        {
            ArgumentException error = Refused(o => o.KeepaliveInterval = TimeSpan.FromMilliseconds(500));
            Assert.Equal("KeepaliveInterval", error.ParamName);
            Assert.Contains("at least 1 s", error.Message);
        }

        [Fact]
        public void An_idle_timeout_that_leaves_no_tick_for_a_PING_and_its_PONG_is_refused()
        {
            ArgumentException error = Refused(o =>
            {
                o.KeepaliveInterval = TimeSpan.FromSeconds(3);
                o.IdleTimeout = TimeSpan.FromSeconds(3.5);
            });
            Assert.Equal("IdleTimeout", error.ParamName);
            Assert.Contains("KeepaliveInterval + 1 s", error.Message);
        }

        [Fact]
        public void An_announce_interval_under_the_tick_is_refused()
        {
            Assert.Equal("AnnounceInterval", Refused(o => o.AnnounceInterval = TimeSpan.FromMilliseconds(200)).ParamName);
        }

        [Theory]
        [InlineData("SeenCacheCapacity")]
        [InlineData("DirectoryCapacity")]
        [InlineData("DirectoryBytes")]
        public void A_cache_without_room_is_refused_before_a_port_is_taken(string setting)
        {
            var network = new PSPeerChat.Transport.MemoryNetwork();
            ArgumentException error = Refused(o =>
            {
                o.Network = network;
                if (setting == "SeenCacheCapacity") o.SeenCacheCapacity = 0;
                else if (setting == "DirectoryCapacity") o.DirectoryCapacity = 0;
                else o.DirectoryBytes = 511; // an entry with a 64-character name weighs 512
            });
            Assert.Equal(setting, error.ParamName);
            Assert.Equal(0, network.ListenerCount);
        }

        [Fact]
        public void The_shortest_settings_the_tick_can_honour_are_accepted()
        {
            PeerNodeOptions options = TestNetwork.Options("fast");
            options.Network = new PSPeerChat.Transport.MemoryNetwork();
            options.KeepaliveInterval = TimeSpan.FromSeconds(1);
            options.IdleTimeout = TimeSpan.FromSeconds(2);
            options.AnnounceInterval = TimeSpan.FromSeconds(1);
            using PeerNode node = PeerNode.Start(options);
            Assert.Equal(PeerNodeState.Running, node.State);
        }
    }
}
