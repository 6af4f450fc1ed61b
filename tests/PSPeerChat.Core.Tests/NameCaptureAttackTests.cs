using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Name capture (issue #13, protocol.md §4.3): keys are free, so an attacker can announce as many identities and names
    /// as its links' budgets let through. Whatever it does, `-To alice` (a name or an id prefix) must reach the alice this
    /// node knew, or be refused with the candidates listed: never be encrypted to a newcomer. Written against the
    /// ArgumentException every version throws, so they also run on the code before.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class NameCaptureAttackTests
    {
        private static readonly TimeSpan QuietLinks = TimeSpan.FromHours(1);

        /// <summary>Sends a direct message to <paramref name="recipient"/> and expects it refused with both nodes listed.</summary>
        private static ArgumentException AssertRefused(PeerNode victim, string recipient, string realId, string impostorId)
        {
            PeerMessage sent = null;
            ArgumentException refused = null;
            try
            {
                sent = victim.SendDirect(recipient, "for alice only");
            }
            catch (ArgumentException e)
            {
                refused = e;
            }
            Assert.True(refused != null, "'" + recipient + "' was sent to " + sent?.To + (sent?.To == impostorId ? ", the impostor" : string.Empty) + "; the node known first is " + realId);
            Assert.Contains(realId.Substring(0, 8), refused.Message);
            Assert.Contains(impostorId.Substring(0, 8), refused.Message);
            Assert.Contains("first seen", refused.Message);
            Assert.Equal(0, victim.MessagesSent);
            return refused;
        }

        [Fact]
        public async Task Ten_thousand_fresh_identities_on_ten_links_cannot_make_To_alice_pick_one_of_them()
        {
            using var net = new MemoryTestNetwork();
            // Links stay up while the clock jumps a minute at a time (no keepalive needed for the test's sake).
            PeerNode victim = net.Start("victim", o => o.IdleTimeout = QuietLinks);
            PeerNode alice = net.Start("alice", o => o.IdleTimeout = QuietLinks);
            await net.LinkAsync(alice, victim);
            await net.JumpAsync(TimeSpan.FromMinutes(11));
            long verified = victim.SignaturesVerified;
            Assert.True(alice.Announce());
            await Eventually.UntilAsync(() => victim.SignaturesVerified > verified, TestNetwork.Wait, "the victim heard alice again, eleven minutes on");
            alice.Stop(); // long known, and away now: her laptop sleeps (online, she would re-announce and stay fresh)

            var sybils = new List<RawPeer>();
            try
            {
                for (int i = 0; i < 10; i++)
                {
                    RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, name: "sybil-link-" + i);
                    raw.StartCapture(); // reads what the victim relays, so its queue never stalls
                    sybils.Add(raw);
                }
                Id128 impostor = await FloodFreshIdentitiesAsync(net, victim, sybils, 10_000, lastName: "alice");

                Assert.Equal(0, victim.BudgetDrops); // every one got in
                Assert.Equal(10_000, victim.GetDirectory().Length); // full: the oldest newcomers, unseen for ten minutes, made room
                Assert.Equal(0, victim.DirectoryRefused);
                AssertRefused(victim, "alice", alice.Id, impostor.ToString());
                Assert.Contains(victim.GetDirectory(), e => e.Id == alice.Id);
                Assert.Equal(alice.Id, victim.SendDirect(alice.Id, "by id").To); // a full id always picks the one
            }
            finally
            {
                foreach (RawPeer raw in sybils) raw.Dispose();
            }
        }

        /// <summary>
        /// Announcements of <paramref name="total"/> fresh identities, the last named <paramref name="lastName"/>, spread over
        /// the links and over time so that each link stays within its new-origin budget (200 at once, then 60 a minute):
        /// every one gets in. They come with hops 2, as relays pass them on, so no link collects faults. Returns the last id.
        /// </summary>
        private static async Task<Id128> FloodFreshIdentitiesAsync(MemoryTestNetwork net, PeerNode victim, List<RawPeer> links, int total, string lastName)
        {
            int sent = 0;
            Id128 last = default;
            for (int round = 0; sent < total; round++)
            {
                long before = victim.SignaturesVerified + victim.BudgetDrops;
                long now = net.Clock.GetUtcNow().ToUnixTimeMilliseconds();
                int perLink = round == 0 ? 200 : 50;
                int thisRound = 0;
                foreach (RawPeer raw in links)
                {
                    for (int i = 0; i < perLink && sent < total; i++, sent++, thisRound++)
                    {
                        var identity = NodeIdentity.Create();
                        last = identity.NodeId;
                        string name = sent == total - 1 ? lastName : "sybil-" + sent;
                        await raw.SendAsync(Frames.WithHops(MessageFrame.CreateAnnounce(identity, Id128.NewRandom(), name, now, 32).Frame, 2));
                    }
                }
                await Eventually.UntilAsync(() => victim.SignaturesVerified + victim.BudgetDrops - before >= thisRound, TestNetwork.Wait, "the victim took round " + round);
                await net.JumpAsync(TimeSpan.FromMinutes(1));
            }
            return last;
        }

        [Fact]
        public async Task A_name_that_reads_as_hex_is_not_captured_by_an_id_that_starts_with_it()
        {
            // Names like "face", "cafe" or "beef" are id prefixes too; an attacker who makes 65,536 keys on average gets an
            // id that starts with one. The test takes the name from a fresh id instead of grinding keys.
            using var net = new MemoryTestNetwork();
            var mallory = NodeIdentity.Create();
            string name = mallory.NodeId.ToString().Substring(0, 4);
            PeerNode victim = net.Start("victim");
            PeerNode real = net.Start(name);
            await net.LinkAsync(real, victim);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, mallory, name: "mallory");

            AssertRefused(victim, name, real.Id, mallory.NodeId.ToString());
        }

        [Fact]
        public async Task A_full_id_never_falls_back_to_a_name_that_reads_as_that_id()
        {
            // Alice gave her id out of band; before her announcement arrives, an impostor announces her id as its name.
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            string aliceId = NodeIdentity.Create().NodeId.ToString();
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, name: aliceId);

            PeerMessage sent = null;
            try
            {
                sent = victim.SendDirect(aliceId, "for alice only");
            }
            catch (ArgumentException e)
            {
                Assert.Contains("No node", e.Message);
            }
            Assert.True(sent == null, "the id went to the node named with it, " + sent?.To);
        }

        [Fact]
        public async Task A_fingerprint_prefix_two_nodes_share_is_refused_with_both_listed()
        {
            // 16 bits: among a thousand fresh keys two nearly always share their first 4 hex digits (the birthday bound).
            var byPrefix = new Dictionary<string, NodeIdentity>();
            NodeIdentity first = null, second = null;
            while (second == null)
            {
                var identity = NodeIdentity.Create();
                string prefix = identity.NodeId.ToString().Substring(0, 4);
                if (byPrefix.TryGetValue(prefix, out first)) second = identity;
                else byPrefix.Add(prefix, identity);
            }
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim");
            PeerNode bob = net.Start("bob", o => o.Identity = first);
            await net.LinkAsync(bob, victim);
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, second, name: "mallory");

            AssertRefused(victim, bob.Id.Substring(0, 4), bob.Id, second.NodeId.ToString());
            string other = second.NodeId.ToString();
            int differs = Enumerable.Range(0, 32).First(i => bob.Id[i] != other[i]);
            Assert.Equal(bob.Id, victim.SendDirect(bob.Id.Substring(0, differs + 1), "a prefix only bob's id has").To);
        }

        [Fact]
        public async Task Newcomers_heard_every_second_for_two_minutes_make_the_node_announce_a_few_times_not_every_two_seconds()
        {
            using var net = new MemoryTestNetwork();
            PeerNode victim = net.Start("victim", o => o.AnnounceInterval = TimeSpan.FromMinutes(1));
            using RawPeer raw = await RawPeer.JoinAsync(net.Network, victim, name: "gossip");
            raw.StartCapture();

            for (int second = 0; second < 120; second++)
            {
                long now = net.Clock.GetUtcNow().ToUnixTimeMilliseconds();
                await raw.SendAsync(Frames.WithHops(MessageFrame.CreateAnnounce(NodeIdentity.Create(), Id128.NewRandom(), "newcomer-" + second, now, 32).Frame, 2));
                await net.TickAsync();
            }
            await Eventually.UntilAsync(() => victim.GetDirectory().Length == 121, TestNetwork.Wait, "the victim learned every newcomer");

            int own = raw.CapturedFrames().Count(b => b[0] == (byte)FrameType.Announce && Id128.Read(b, Frames.BodyOrigin) == victim.NodeId);
            // Once for the new link, three answers at once, then one more a minute: every node of a network hearing
            // this flood would otherwise announce 60 times, each announcement reaching every node.
            Assert.InRange(own, 2, 7);
        }
    }
}
