using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace PSPeerChat
{
    /// <summary>
    /// A direct message was not sent because its recipient (a name or a short id prefix) matches more than one node of
    /// the directory (protocol.md §4.3). Anyone can announce any name, and a short prefix can be matched by making keys,
    /// so the node does not guess: <see cref="Candidates"/> lists the nodes it could mean, first seen first; a full id
    /// picks one.
    /// </summary>
    public sealed class AmbiguousRecipientException : ArgumentException
    {
        /// <summary>Candidates listed in the message at most; <see cref="Candidates"/> holds them all.</summary>
        private const int Listed = 10;

        internal AmbiguousRecipientException(string recipient, string nodeName, IReadOnlyList<PeerDirectoryEntry> candidates, DateTimeOffset now, TimeSpan newcomerTime)
            : base(Describe(recipient, nodeName, candidates, now, newcomerTime), "recipient")
        {
            Recipient = recipient;
            Candidates = candidates.ToArray();
        }

        /// <summary>The recipient as given.</summary>
        public string Recipient { get; }

        /// <summary>Every node the recipient matches, first seen first.</summary>
        public PeerDirectoryEntry[] Candidates { get; }

        private static string Describe(string recipient, string nodeName, IReadOnlyList<PeerDirectoryEntry> candidates, DateTimeOffset now, TimeSpan newcomerTime)
        {
            var text = new StringBuilder();
            text.Append('\'').Append(recipient).Append("' is ambiguous: it matches ").Append(candidates.Count).Append(" nodes in the directory of ").Append(nodeName).Append(", so nothing was sent:");
            foreach (PeerDirectoryEntry c in candidates.Take(Listed))
            {
                TimeSpan age = now - c.FirstSeen;
                text.Append(Environment.NewLine).Append("  ").Append(c.Name).Append(" (").Append(c.ShortId).Append("), first seen ")
                    .Append(c.FirstSeen.ToString("yyyy-MM-dd HH:mm:ss")).Append(" (").Append(Ago(age)).Append(age < newcomerTime ? ", a newcomer)" : ")");
            }
            if (candidates.Count > Listed) text.Append(Environment.NewLine).Append("  and ").Append(candidates.Count - Listed).Append(" more");
            text.Append(Environment.NewLine).Append("Names and short id prefixes are not unique: anyone can announce any name. Check which node you mean (Get-PeerDirectory) and give its full id.");
            return text.ToString();
        }

        private static string Ago(TimeSpan age)
        {
            if (age < TimeSpan.FromMinutes(1)) return "just now";
            if (age < TimeSpan.FromHours(2)) return (int)age.TotalMinutes + " min ago";
            return (int)age.TotalHours + " h ago";
        }
    }
}
