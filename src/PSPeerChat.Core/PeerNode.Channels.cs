using System;
using PSPeerChat.Protocol;

namespace PSPeerChat
{
    /// <summary>API verbs: channels and private channels (protocol.md §3.12).</summary>
    public sealed partial class PeerNode
    {
        /// <summary>Messages relayed but not delivered because their channel is not one this node shows.</summary>
        public long ChannelFiltered => Stats.ChannelFilteredCount;

        /// <summary>Sealed (private channel) messages relayed but not delivered: this node did not join their channel with a passphrase.</summary>
        public long SealedNotDelivered => Stats.SealedNotDeliveredCount;

        /// <summary>Sealed messages on a channel this node joined with a passphrase that did not open: another passphrase, or garbage sealed by its origin.</summary>
        public long SealedOpenFailed => Stats.SealedOpenFailedCount;

        /// <summary>The patterns with wildcards this node delivers besides its joined channels (PeerNodeOptions.Channels, default '*').</summary>
        public string[] ChannelPatterns => _channels.Patterns;

        /// <summary>
        /// Joins <paramref name="name"/> (a leading '#' is dropped): its messages are delivered. With a passphrase the
        /// channel is private: the key is derived here, on this thread (Argon2id, about a second and 64 MiB), kept
        /// in the node until it leaves or stops, and what the node sends there is sealed with it; only messages that
        /// open with it are delivered. Joining again replaces the passphrase.
        /// </summary>
        /// <exception cref="ArgumentException">The name is invalid or the lobby is given a passphrase.</exception>
        public PeerChannel JoinChannel(string name, string passphrase = null)
        {
            string channel = ChannelName.Parse(name, nameof(name));
            if (channel.Length == 0) throw new ArgumentException("The lobby ('') is always joined and cannot be private; give a channel name.", nameof(name));
            EnsureRunning();
            byte[] key = string.IsNullOrEmpty(passphrase) ? null : ChannelSeal.DeriveKey(passphrase, channel);
            return _channels.Join(channel, key, Clock.GetLocalNow());
        }

        /// <summary>Leaves a joined channel (its key is cleared); false when it was not joined. Patterns the node was started with still apply.</summary>
        /// <exception cref="ArgumentException">The name is invalid.</exception>
        public bool LeaveChannel(string name) => _channels.Leave(ChannelName.Parse(name, nameof(name)));

        /// <summary>The channels this node joined, oldest first (not the lobby, not patterns: see ChannelPatterns).</summary>
        public PeerChannel[] GetChannels() => _channels.Snapshot();
    }
}
