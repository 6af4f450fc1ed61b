using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Joining;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The address book across restarts (protocol.md §4.2): a restarted node dials its known-good neighbours first.</summary>
    [Collection(FakeClockCollection.Name)]
    public class AddressBookFileTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "pspc-book-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        }

        [Fact]
        public async Task A_restarted_node_redials_its_last_neighbours_from_the_book_kept_beside_its_identity()
        {
            using var net = new MemoryTestNetwork();
            PeerNode b = net.Start("b"), c = net.Start("c");
            string identity = Path.Combine(_dir, "a.identity");
            PeerNode a = net.Start("a", o => o.IdentityPath = identity);
            await net.LinkAsync(a, b);
            await net.LinkAsync(a, c);
            a.Stop();
            Assert.True(File.Exists(Path.Combine(_dir, "a.addresses")), "the book is saved beside the identity file");

            // Same identity, no bootstrap address, dialling on its own: it knows where its neighbours were.
            PeerNode again = net.Start("a", o => { o.IdentityPath = identity; o.TargetPeers = 2; });
            await net.TickUntilAsync(() => again.PeerCount == 2, 5, "the restarted node linked to b and c again", () => again.PeerCount + " links");
            Assert.Equal(new[] { b.Id, c.Id }.OrderBy(x => x), again.GetPeers().Select(p => p.Id).OrderBy(x => x));
        }

        [Fact]
        public void Tried_addresses_are_dialled_before_gossiped_ones()
        {
            long now = 0;
            var book = new AddressBook(1000, () => now);
            for (int i = 0; i < 10; i++) book.Learn("192." + i + ".0.1:55555", Id128.NewRandom(), "Gossip", false, System.Net.IPAddress.Parse("150." + i + ".0.1"));
            book.Learn("198.51.100.1:55555", Id128.NewRandom(), "Connected", false);
            book.Learn("198.51.100.2:55555", Id128.NewRandom(), "Connected", false);

            var picked = book.PickCandidates(2, _ => false, _ => false, Id128.NewRandom());

            Assert.Equal(new[] { "198.51.100.1:55555", "198.51.100.2:55555" }, picked.OrderBy(x => x));
        }

        [Fact]
        public void A_saved_book_loads_with_its_key_and_its_tried_and_new_entries()
        {
            long now = 0;
            var book = new AddressBook(1000, () => now);
            Id128 tried = Id128.NewRandom();
            book.Learn("198.51.100.1:55555", tried, "Connected", false);
            book.Learn("192.0.2.1:55555", Id128.NewRandom(), "Gossip", false, System.Net.IPAddress.Parse("150.1.0.1"));
            string path = Path.Combine(_dir, "book.addresses");

            AddressBookFile.Save(path, book.Key, book.Export());
            Assert.True(AddressBookFile.TryLoad(path, 2000, out byte[] key, out var records));
            var loaded = new AddressBook(1000, () => now, key);
            loaded.Import(records);

            Assert.Equal(book.Key, key);
            var entries = loaded.Snapshot(_ => false, "me");
            Assert.Equal("Connected", entries.Single(e => e.Address == "198.51.100.1:55555").Source);
            Assert.Equal(tried.ToString(), entries.Single(e => e.Address == "198.51.100.1:55555").NodeId);
            Assert.Equal("Gossip", entries.Single(e => e.Address == "192.0.2.1:55555").Source);
        }
    }
}
