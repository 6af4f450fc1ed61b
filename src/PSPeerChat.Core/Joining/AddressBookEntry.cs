using System;
using PSPeerChat.Identity;

namespace PSPeerChat.Joining
{
    /// <summary>One address in the book (protocol.md §4.2); guarded by the book's lock.</summary>
    internal sealed class AddressBookEntry
    {
        public AddressBookEntry(string address, string source)
        {
            Address = address;
            Source = source;
            LastSeen = DateTimeOffset.Now;
        }

        public string Address { get; }

        /// <summary>"Connected" (a handshake proved a node listens here: the tried table), "Gossip", "Bootstrap".</summary>
        public string Source;

        public Id128 NodeId;
        public long LastSeenMs;
        public DateTimeOffset LastSeen;
        public int Failures;
        public long NextAttemptMs;
        public bool IsBootstrap;
        public bool IsSelf;
        public bool Dialling;
        public bool NeighbourOfNeighbour;
        public long DiscouragedUntilMs;

        /// <summary>The network group of whoever told us of it (gossip only; kept for the file).</summary>
        public string SourceGroup;

        /// <summary>Its place in the new table, or -1 when it is not there (tried, bootstrap).</summary>
        public int Bucket = -1;
        public int Slot = -1;

        public bool IsTried => Source == "Connected";
    }
}
