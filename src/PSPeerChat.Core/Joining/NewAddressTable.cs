using System;
using System.Security.Cryptography;
using System.Text;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// Where gossiped addresses live (protocol.md §4.2), after Bitcoin Core's addrman "new" table: a grid of buckets,
    /// a row per group of the source that told us and a column per group of the address, each chosen by a keyed hash
    /// (the key is this node's secret, so nobody can aim at a bucket), and a few slots per bucket, chosen by the address.
    /// One source, whatever it sends, fills one row; one /16, whoever sends it, fills one column. A slot taken by a
    /// working address is not given up to a newcomer. Guarded by the book's lock.
    /// </summary>
    internal sealed class NewAddressTable
    {
        private readonly AddressBookEntry[,] _slots;
        private readonly int _side;
        private readonly int _slotsPerBucket;
        private readonly HMACSHA256 _hmac; // one for the table's life: every call is under the book's lock

        public NewAddressTable(int capacity, byte[] key)
        {
            Key = key;
            _hmac = new HMACSHA256(key);
            // As close to 8 x 8 buckets of at least 4 slots as the capacity allows.
            _side = Math.Max(1, Math.Min(8, (int)Math.Sqrt(capacity / 4.0)));
            _slotsPerBucket = Math.Max(1, (capacity + _side * _side - 1) / (_side * _side));
            _slots = new AddressBookEntry[_side * _side, _slotsPerBucket];
        }

        /// <summary>The secret the placement is keyed with (saved with the book, so a restart keeps the places).</summary>
        public byte[] Key { get; }

        public int Capacity => _side * _side * _slotsPerBucket;

        /// <summary>Buckets one source group (a row) or one address group (a column) can use at most.</summary>
        public int BucketsPerGroup => _side;

        public int SlotsPerBucket => _slotsPerBucket;

        /// <summary>The entry now in the place <paramref name="entry"/> would take, or null when that place is free.</summary>
        public AddressBookEntry Occupant(AddressBookEntry entry, string sourceGroup, string addressGroup, out int bucket, out int slot)
        {
            int row = (int)(Hash("row", sourceGroup) % (uint)_side);
            int column = (int)(Hash("column", addressGroup) % (uint)_side);
            bucket = row * _side + column;
            slot = (int)(Hash("slot", entry.Address) % (uint)_slotsPerBucket);
            return _slots[bucket, slot];
        }

        public void Place(AddressBookEntry entry, int bucket, int slot)
        {
            _slots[bucket, slot] = entry;
            entry.Bucket = bucket;
            entry.Slot = slot;
        }

        public void Remove(AddressBookEntry entry)
        {
            if (entry.Bucket < 0) return;
            if (_slots[entry.Bucket, entry.Slot] == entry) _slots[entry.Bucket, entry.Slot] = null;
            entry.Bucket = entry.Slot = -1;
        }

        private uint Hash(string purpose, string value)
        {
            byte[] h = _hmac.ComputeHash(Encoding.UTF8.GetBytes(purpose + "\0" + value));
            return BitConverter.ToUInt32(h, 0);
        }
    }
}
