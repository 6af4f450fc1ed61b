using System;

namespace PSPeerChat
{
    /// <summary>A channel a node joined (Join-PeerChannel, Start-PeerNode -Channel); protocol.md §3.12.</summary>
    public sealed class PeerChannel
    {
        internal PeerChannel(string name, bool isPrivate, DateTimeOffset joinedAt, string node)
        {
            Name = name;
            Private = isPrivate;
            JoinedAt = joinedAt;
            Node = node;
        }

        /// <summary>The channel's name, without the '#' (names compare ignoring case).</summary>
        public string Name { get; }

        /// <summary>
        /// True when the node joined it with a passphrase: what it sends there is sealed with the key derived from the
        /// passphrase, and it shows only messages that open with that key.
        /// </summary>
        public bool Private { get; }

        /// <summary>When the node joined it (or started, for a channel given to Start-PeerNode -Channel).</summary>
        public DateTimeOffset JoinedAt { get; }

        /// <summary>The name of the node that joined it.</summary>
        public string Node { get; }

        public override string ToString() => "#" + Name + (Private ? " (private)" : string.Empty);
    }
}
