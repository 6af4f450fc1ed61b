using System;
using System.IO;
using PSPeerChat.Settings;
using PSPeerChat.Timing;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// Keeps a node's address book in a file (protocol.md §4.2): loaded when the node starts, saved once right away (so
    /// a path that cannot be written fails the start with a clear message), then every minute and when the node stops.
    /// </summary>
    internal sealed class AddressBookStore
    {
        private readonly string _path;
        private readonly AddressBook _book;
        private long _savedMs;

        private AddressBookStore(string path, AddressBook book, long nowMs)
        {
            _path = path;
            _book = book;
            _savedMs = nowMs;
        }

        /// <summary>The node's book: loaded from <paramref name="path"/> when there is one (null: a book in memory only).</summary>
        public static AddressBook Open(string path, int capacity, TimeProvider clock, out AddressBookStore store)
        {
            store = null;
            if (string.IsNullOrEmpty(path)) return new AddressBook(capacity, clock.NowMs);
            AddressBookFile.TryLoad(path, 2 * capacity, out byte[] key, out var records);
            var book = new AddressBook(capacity, clock.NowMs, key);
            book.Import(records);
            store = new AddressBookStore(path, book, clock.NowMs());
            try
            {
                store.Save();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                throw new ArgumentException("The address book cannot be written to '" + path + "': " + ex.Message + " Name a file in a folder you can write to (-AddressBookPath).", "AddressBookPath", ex);
            }
            return book;
        }

        public void SaveIfDue(long nowMs)
        {
            if (nowMs - _savedMs < Tunables.AddressBookSaveIntervalMs) return;
            _savedMs = nowMs;
            TrySave();
        }

        /// <summary>Saves now; a failure (disk full, folder gone) is ignored: the book in memory goes on, the next save may work.</summary>
        public void TrySave()
        {
            try
            {
                Save();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
            }
        }

        private void Save() => AddressBookFile.Save(_path, _book.Key, _book.Export());
    }
}
