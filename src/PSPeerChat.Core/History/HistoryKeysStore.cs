using System;
using System.IO;

namespace PSPeerChat.History
{
    /// <summary>
    /// Keeps the history window's seen keys across restarts (protocol.md §4.4), like the address book: loaded at start
    /// into the store (key-only entries) and the seen cache, saved every minute from the maintenance tick and when the
    /// node stops. Only for a node with an identity file: a new identity is a new node and starts with nothing.
    /// </summary>
    internal sealed class HistoryKeysStore
    {
        private readonly string _path;
        private readonly HistoryStore _store;
        private readonly Func<long> _unixNowMs;
        private readonly long _intervalMs;
        private long _savedMs;

        public HistoryKeysStore(string path, HistoryStore store, Func<long> unixNowMs, long intervalMs, long nowMs)
        {
            _path = path;
            _store = store;
            _unixNowMs = unixNowMs;
            _intervalMs = intervalMs;
            _savedMs = nowMs;
        }

        /// <summary>
        /// Loads the saved keys into the store and hands each to <paramref name="remember"/> (the seen cache); returns how
        /// many were in the window.
        /// </summary>
        public int Load(Action<Identity.Id128> remember)
        {
            if (!SeenKeysFile.TryLoad(_path, _store.MaxCount, out long completeSince, out var keys)) return 0;
            _store.RaiseCompleteSince(completeSince);
            int loaded = 0;
            foreach (var k in keys)
            {
                if (!_store.Add(k.Key, k.Value, null)) continue; // aged out while the node was stopped
                remember(k.Key);
                loaded++;
            }
            return loaded;
        }

        public void SaveIfDue(long nowMs)
        {
            if (nowMs - _savedMs < _intervalMs) return;
            _savedMs = nowMs;
            TrySave();
        }

        /// <summary>Saves now; a failure (disk full, folder gone) is ignored: the next save may work.</summary>
        public void TrySave()
        {
            try
            {
                SeenKeysFile.Save(_path, _store.CompleteSinceMs, _unixNowMs(), _store.Keys());
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
            }
        }
    }
}
