using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Channels over a line of real nodes on the in-memory network (protocol.md §3.12): every node relays every channel,
    /// delivers only the ones it shows, and reads a private channel only with its passphrase.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class ChannelDeliveryTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;
        private const string Passphrase = "correct horse battery staple";

        /// <summary>Nodes started with these channel sets, linked in a line 0 - 1 - 2 - ...</summary>
        private static async Task<MemoryTestNetwork> LineAsync(params string[][] channels)
        {
            var net = new MemoryTestNetwork();
            try
            {
                for (int i = 0; i < channels.Length; i++)
                {
                    string[] set = channels[i];
                    net.Start("ch" + i, o => o.Channels = set);
                }
                for (int i = 0; i + 1 < channels.Length; i++) await net.LinkAsync(net[i], net[i + 1]);
                return net;
            }
            catch
            {
                net.Dispose();
                throw;
            }
        }

        /// <summary>Waits until every node has seen <paramref name="message"/> (relayed or delivered), then takes what each delivered.</summary>
        private static async Task<List<PeerMessage>[]> SettleAsync(MemoryTestNetwork net, int expectedSeen)
        {
            await Eventually.UntilAsync(() => net.Nodes.Sum(n => n.MessagesDelivered + n.ChannelFiltered + n.SealedNotDelivered + n.SealedOpenFailed) >= expectedSeen, Wait,
                "every node took its decision on every message", () => string.Join("; ", net.Nodes.Select(n => n.Name + " delivered " + n.MessagesDelivered + " filtered " + n.ChannelFiltered + " sealed " + n.SealedNotDelivered + "/" + n.SealedOpenFailed)));
            return net.Nodes.Select(n =>
            {
                var got = new List<PeerMessage>();
                n.Receive(got);
                return got;
            }).ToArray();
        }

        [Fact]
        public async Task Channels_separate_conversations_while_every_node_relays_every_channel()
        {
            // 0 and 2 talk on #ops, 3 on #dev; 1 (lobby only) sits in the middle and relays for all of them.
            using MemoryTestNetwork net = await LineAsync(new[] { "ops" }, new[] { "" }, new[] { "OPS" }, new[] { "dev" });

            net[0].Broadcast("ops from 0", "#ops");
            net[3].Broadcast("dev from 3", "dev");
            net[1].Broadcast("lobby from 1");
            List<PeerMessage>[] got = await SettleAsync(net, 3 * 3);

            Assert.Equal(new[] { "lobby from 1" }, got[0].Select(m => m.Text));
            Assert.Empty(got[1]); // its own lobby message is not delivered to itself; #ops and #dev are filtered
            Assert.Equal(new[] { "lobby from 1", "ops from 0" }, got[2].Select(m => m.Text).OrderBy(t => t));
            Assert.Equal(new[] { "lobby from 1" }, got[3].Select(m => m.Text));
            PeerMessage ops = got[2].Single(m => m.Text == "ops from 0");
            Assert.Equal("ops", ops.Channel);
            Assert.False(ops.Private);
            Assert.True(ops.Verified);
            Assert.Equal(2, ops.Hops);
            Assert.Equal(string.Empty, got[2].Single(m => m.Text == "lobby from 1").Channel);
            Assert.Equal(2, net[1].ChannelFiltered); // #ops and #dev passed through node 1 without being shown
            Assert.Equal(1, net[0].ChannelFiltered); // #dev
            Assert.Equal(1, net[3].ChannelFiltered); // #ops
            Assert.Equal(1, net[2].ChannelFiltered); // #dev
            Assert.True(net[1].MessagesRelayed >= 2, "node 1 relayed both channels it does not show");
            Assert.Equal(0, net.Nodes.Sum(n => n.InvalidFrames));
        }

        [Fact]
        public async Task By_default_a_node_shows_every_public_channel_and_joining_or_leaving_changes_a_restricted_one()
        {
            using MemoryTestNetwork net = await LineAsync(new[] { "*" }, new[] { "" });

            Assert.Empty(net[0].GetChannels());
            Assert.Equal(new[] { "*" }, net[0].ChannelPatterns);
            net[1].Broadcast("before joining", "team");
            await Eventually.UntilAsync(() => net[0].InboxCount == 1, Wait, "the default node shows #team");

            net[0].Broadcast("unheard", "team");
            await Eventually.UntilAsync(() => net[1].ChannelFiltered == 1, Wait, "node 1 filtered #team");
            PeerChannel joined = net[1].JoinChannel("#Team");
            Assert.Equal("Team", joined.Name);
            Assert.False(joined.Private);
            Assert.Equal("Team", net[1].GetChannels().Single().Name);

            net[0].Broadcast("after joining", "team");
            PeerMessage heard = await Task.Run(() => net[1].Receive(Wait));
            Assert.Equal("after joining", heard?.Text);
            Assert.Equal("team", heard.Channel); // as the sender wrote it: names compare without case

            Assert.True(net[1].LeaveChannel("TEAM"));
            Assert.False(net[1].LeaveChannel("team"));
            Assert.Empty(net[1].GetChannels());
            net[0].Broadcast("after leaving", "team");
            await Eventually.UntilAsync(() => net[1].ChannelFiltered == 2, Wait, "node 1 filters #team again");
            Assert.Equal(0, net[1].InboxCount);
        }

        [Fact]
        public async Task A_private_channel_is_read_by_members_relayed_unread_by_others_and_a_wrong_passphrase_is_counted()
        {
            // 0 and 2 share the passphrase; 1 in the middle shows every channel but has no passphrase; 3 has another one.
            using MemoryTestNetwork net = await LineAsync(new[] { "*" }, new[] { "*" }, new[] { "*" }, new[] { "*" });
            Assert.True(net[0].JoinChannel("board", Passphrase).Private);
            net[2].JoinChannel("BOARD", Passphrase);
            net[3].JoinChannel("board", "a different passphrase");

            PeerMessage sent = net[0].Broadcast("quarterly numbers", "board");
            Assert.True(sent.Private);
            Assert.Equal("board", sent.Channel);
            List<PeerMessage>[] got = await SettleAsync(net, 3);

            PeerMessage read = Assert.Single(got[2]);
            Assert.Equal("quarterly numbers", read.Text);
            Assert.True(read.Private);
            Assert.True(read.Verified);
            Assert.Equal(sent.Id, read.Id);
            Assert.Empty(got[1]);
            Assert.Equal(1, net[1].SealedNotDelivered); // shows every channel, yet never a sealed one
            Assert.True(net[1].MessagesRelayed >= 1, "node 1 relayed what it could not read");
            Assert.Empty(got[3]);
            Assert.Equal(1, net[3].SealedOpenFailed);
            Assert.Equal(0, net.Nodes.Sum(n => n.InvalidFrames + n.InvalidSignatures));

            // A plain message on the private channel's name is not shown to members: it is not from one.
            net[1].Broadcast("plain on board", "board");
            await Eventually.UntilAsync(() => net[2].ChannelFiltered == 1 && net[0].ChannelFiltered == 1, Wait, "the members filtered the plain message");
            Assert.Equal(0, net[2].InboxCount);

            // Leaving forgets the key: the next sealed message is not shown.
            Assert.True(net[2].LeaveChannel("board"));
            net[0].Broadcast("after 2 left", "board");
            await Eventually.UntilAsync(() => net[2].SealedNotDelivered == 1, Wait, "node 2 no longer reads #board");
            Assert.Equal(0, net[2].InboxCount);
        }

        [Fact]
        public async Task Text_peers_post_to_the_lobby_and_get_only_lobby_messages()
        {
            using MemoryTestNetwork net = await LineAsync(new[] { "*" }, new[] { "*" });
            net[0].Broadcast("channel text", "ops");
            net[0].Broadcast("lobby text");
            await Eventually.UntilAsync(() => net[1].InboxCount == 2, Wait, "node 1 got both");
            var got = new List<PeerMessage>();
            net[1].Receive(got);
            // What a text link would be sent (protocol.md §5): the lobby's line only.
            Assert.Null(Protocol.MessageFrame.CreateMessage(net[0].Identity, Identity.Id128.NewRandom(), "n", 0, 5, Protocol.MessageFlags.None, "x", true, "ops").GetTextLine());
            Assert.NotNull(Protocol.MessageFrame.CreateMessage(net[0].Identity, Identity.Id128.NewRandom(), "n", 0, 5, Protocol.MessageFlags.None, "x").GetTextLine());
            Assert.Equal(new[] { "ops", "" }, got.Select(m => m.Channel));
        }

        [Fact]
        public void Invalid_channels_are_refused_by_the_API()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("api");
            Assert.Throws<ArgumentException>(() => node.Broadcast("x", "a b"));
            Assert.Throws<ArgumentException>(() => node.JoinChannel("o*"));
            Assert.Throws<ArgumentException>(() => node.JoinChannel(""));
            Assert.Throws<ArgumentException>(() => node.LeaveChannel(new string('x', 33)));
            ArgumentException e = Assert.Throws<ArgumentException>(() => net.Start("bad", o => o.Channels = new[] { "ok", "not ok" }));
            Assert.Equal("Channels", e.ParamName);
        }
    }
}
