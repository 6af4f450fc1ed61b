using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Strangers taking a node's slots (protocol.md §8.6): connecting is free, so no kind of stranger may take them all.</summary>
    [Collection(FakeClockCollection.Name)]
    public class SlotAttackTests
    {
        [Fact]
        public async Task Forty_silent_connections_cannot_keep_a_node_from_honest_dials_or_its_own()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            PeerNode honest = net.Start("honest");
            PeerNode other = net.Start("other");
            var silent = new List<RawPeer>();
            try
            {
                // Forty connections that never send a byte: after the detection timeout each would be a text peer.
                for (int i = 0; i < 40; i++) silent.Add(await RawPeer.ConnectAsync(net.Network, victim.Port));
                await net.TickAsync(3, settle: false);

                Peer inbound = await honest.ConnectAsync(MemoryTestNetwork.AddressOf(victim), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                Peer outbound = await victim.ConnectAsync(MemoryTestNetwork.AddressOf(other), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));

                Assert.Equal(PeerState.Connected, inbound.State);
                Assert.Equal(PeerState.Connected, outbound.State);
                Assert.True(TestNetwork.HasPeer(victim, honest) && TestNetwork.HasPeer(victim, other), "the victim holds both honest links");
                Assert.InRange(victim.GetPeers().Count(p => p.Protocol == PeerProtocol.Text), 1, 8);
            }
            finally
            {
                foreach (RawPeer raw in silent) raw.Dispose();
            }
        }

        [Fact]
        public async Task Inbound_links_leave_the_nodes_own_dials_a_reserve()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim", o =>
            {
                o.MaxPeers = 8;
                o.TargetPeers = 4; // its own dials keep 4 of the 8
            });
            PeerNode[] strangers = Enumerable.Range(0, 8).Select(i => net.Start("s" + i)).ToArray();
            PeerNode friend = net.Start("friend");

            int refused = 0;
            foreach (PeerNode s in strangers)
            {
                try
                {
                    await s.ConnectAsync(MemoryTestNetwork.AddressOf(victim), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
                }
                catch (PeerConnectException ex) when (ex.Reason == CloseReason.Full)
                {
                    refused++;
                }
            }
            await net.QuietAsync();
            Assert.Equal(4, refused);
            Assert.Equal(4, victim.PeerCount);

            Peer mine = await victim.ConnectAsync(MemoryTestNetwork.AddressOf(friend), PeerProtocol.PeerChat, TimeSpan.FromSeconds(10));
            Assert.Equal(PeerState.Connected, mine.State);
            Assert.Equal(5, victim.PeerCount);
        }

        [Fact]
        public async Task Connections_from_one_address_or_one_network_are_capped_but_loopback_is_not()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            var raws = new List<RawPeer>();
            try
            {
                for (int i = 0; i < 5; i++) raws.Add(await RawPeer.ConnectAsync(net.Network, victim.Port, IPAddress.Parse("198.51.100.7")));
                await Eventually.UntilAsync(() => victim.ConnectionsRefused == 1, TestNetwork.Wait, "the fifth connection from one address was closed");

                for (int i = 1; i <= 5; i++) raws.Add(await RawPeer.ConnectAsync(net.Network, victim.Port, IPAddress.Parse("198.51.100." + (100 + i))));
                await Eventually.UntilAsync(() => victim.ConnectionsRefused == 2, TestNetwork.Wait, "the ninth connection from one /24 was closed");

                for (int i = 0; i < 6; i++) raws.Add(await RawPeer.ConnectAsync(net.Network, victim.Port)); // loopback: not capped by address
                await net.QuietAsync(settle: false);
                Assert.Equal(2, victim.ConnectionsRefused);
                Assert.Equal(14, victim.HandshakesInProgress);
            }
            finally
            {
                foreach (RawPeer raw in raws) raw.Dispose();
            }
        }

        [Fact]
        public async Task Connections_that_never_finish_their_handshake_are_capped()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim", o => o.MaxPendingLinks = 3);
            var raws = new List<RawPeer>();
            try
            {
                for (int i = 0; i < 5; i++) raws.Add(await RawPeer.ConnectAsync(net.Network, victim.Port));
                await Eventually.UntilAsync(() => victim.ConnectionsRefused == 2, TestNetwork.Wait, "two connections over the cap were closed");
                Assert.Equal(3, victim.HandshakesInProgress);
            }
            finally
            {
                foreach (RawPeer raw in raws) raw.Dispose();
            }
        }

        [Fact]
        public async Task A_text_peer_that_sends_nothing_for_ten_minutes_is_dropped()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            using RawPeer nc = await RawPeer.ConnectAsync(net.Network, victim.Port);
            await nc.SendAsync("hello\n");
            await Eventually.UntilAsync(() => victim.PeerCount == 1, TestNetwork.Wait, "the text peer registered");
            Peer text = victim.GetPeers().Single();

            await net.JumpAsync(TimeSpan.FromMinutes(9));
            Assert.Equal(PeerState.Connected, text.State);
            await net.JumpAsync(TimeSpan.FromSeconds(62));
            await Eventually.UntilAsync(() => text.State == PeerState.Closed, TestNetwork.Wait, "the silent text peer was dropped");
            Assert.Contains("no line for 10 min", text.CloseDetail);
        }
    }
}
