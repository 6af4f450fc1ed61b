using System.Linq;
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
