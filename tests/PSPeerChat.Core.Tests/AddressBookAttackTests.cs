using System.Linq;
using System.Net;
using PSPeerChat.Identity;
using PSPeerChat.Joining;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// What a hostile neighbour's ADDR may do to the address book: add entries it names, nothing more. It cannot
    /// relabel an entry a handshake made, nor get honest entries held by closing its own link (issue #13, protocol.md §4.2).
    /// </summary>
    public class AddressBookAttackTests
    {
        private long _now = 1_000_000;

        private AddressBook NewBook() => new AddressBook(1000, () => _now);

        [Fact]
        public void Gossip_cannot_relabel_an_address_a_handshake_proved()
        {
            AddressBook book = NewBook();
            Id128 honest = Id128.NewRandom(), mallory = Id128.NewRandom();
            book.Learn("198.51.100.1:55555", honest, "Connected", neighbourOfNeighbour: false);

            book.Learn("198.51.100.1:55555", mallory, "Gossip", neighbourOfNeighbour: false);

            Assert.Equal(honest.ToString(), book.Snapshot(_ => false, "me").Single().NodeId);
        }

        [Fact]
        public void Gossip_cannot_relabel_an_address_another_record_named_first()
        {
            AddressBook book = NewBook();
            Id128 first = Id128.NewRandom(), mallory = Id128.NewRandom();
            book.Learn("198.51.100.2:55555", first, "Gossip", neighbourOfNeighbour: false);

            book.Learn("198.51.100.2:55555", mallory, "Gossip", neighbourOfNeighbour: false);

            Assert.Equal(first.ToString(), book.Snapshot(_ => false, "me").Single().NodeId);
        }

        [Fact]
        public void A_user_close_holds_the_node_a_handshake_proved_not_addresses_gossip_named_with_its_id()
        {
            AddressBook book = NewBook();
            Id128 mallory = Id128.NewRandom();
            book.Learn("203.0.113.9:4000", mallory, "Connected", neighbourOfNeighbour: false); // mallory's own link
            book.Learn("198.51.100.3:55555", mallory, "Gossip", neighbourOfNeighbour: false);  // an honest address, labelled by mallory's ADDR

            book.Hold(mallory, "203.0.113.9:4000", holdMs: 5 * 60 * 1000); // mallory closes with UserRequest

            var entries = book.Snapshot(_ => false, "me").ToDictionary(e => e.Address);
            Assert.True(entries["203.0.113.9:4000"].NextAttempt > System.DateTimeOffset.Now.AddMinutes(4));
            Assert.True(entries["198.51.100.3:55555"].NextAttempt < System.DateTimeOffset.Now.AddSeconds(1), "the honest address stays dialable");
        }

        private static readonly byte[] FixedKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

        [Fact]
        public void Ten_thousand_addresses_from_one_source_fill_one_row_of_the_new_table_at_most()
        {
            var book = new AddressBook(1000, () => _now, FixedKey);
            IPAddress mallory = IPAddress.Parse("203.0.113.66");

            // Addresses of 10,000 networks, from one neighbour.
            for (int i = 0; i < 10000; i++) book.Learn(i % 256 + "." + (i / 256) + ".7.9:55555", Id128.NewRandom(), "Gossip", false, mallory);

            Assert.InRange(book.Count, 1, book.BucketsPerGroup * book.SlotsPerBucket);
            Assert.True(book.Count <= book.Capacity / 8 + 1, book.Count + " of " + book.Capacity);
        }

        [Fact]
        public void Ten_thousand_addresses_of_one_network_fill_one_column_whoever_tells_them()
        {
            var book = new AddressBook(1000, () => _now, FixedKey);

            // One /16, told by 10,000 different sources.
            for (int i = 0; i < 10000; i++)
            {
                book.Learn("172.16." + (i / 256 % 256) + "." + (i % 256) + ":55555", Id128.NewRandom(), "Gossip", false, IPAddress.Parse("100." + (i / 256 % 256) + "." + (i % 256) + ".1"));
            }

            Assert.True(book.Count <= book.BucketsPerGroup * book.SlotsPerBucket, book.Count + " entries");
        }

        [Fact]
        public void Gossip_never_displaces_a_tried_address_and_honest_sources_still_get_in()
        {
            var book = new AddressBook(1000, () => _now, FixedKey);
            for (int i = 0; i < 20; i++) book.Learn("198.51." + i + ".1:55555", Id128.NewRandom(), "Connected", false);
            IPAddress mallory = IPAddress.Parse("203.0.113.66");
            for (int i = 0; i < 10000; i++) book.Learn(i % 256 + "." + (i / 256) + ".7.9:55555", Id128.NewRandom(), "Gossip", false, mallory);

            // 100 addresses of 100 networks, from 100 honest neighbours in 100 other networks.
            int placed = 0;
            for (int i = 0; i < 100; i++)
            {
                if (book.Learn("192." + i + ".0.10:55555", Id128.NewRandom(), "Gossip", false, IPAddress.Parse("150." + i + ".0.1"))) placed++;
            }

            var entries = book.Snapshot(_ => false, "me");
            Assert.Equal(20, entries.Count(e => e.Source == "Connected"));
            Assert.True(placed >= 75, placed + " of 100 honest addresses found a place"); // a slot collision costs a few
        }

        [Fact]
        public void A_node_that_is_always_full_is_forgotten_like_one_that_never_answers()
        {
            AddressBook book = NewBook();
            book.Learn("198.51.100.4:55555", Id128.NewRandom(), "Gossip", neighbourOfNeighbour: false);

            for (int i = 0; i < 5; i++)
            {
                book.DialFailed("198.51.100.4:55555", CloseReason.Full);
                Assert.Equal(i + 1, book.Snapshot(_ => false, "me").Single().Failures); // each refusal counts, with the 30 s wait
            }
            book.DialFailed("198.51.100.4:55555", CloseReason.Full);

            Assert.Empty(book.Snapshot(_ => false, "me"));
        }
    }
}
