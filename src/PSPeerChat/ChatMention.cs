using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// "@name text" in Enter-PeerChat: a direct message, as in the article series' fifth part. The name is one word,
    /// or quoted when it holds spaces (@"my node" text); a fingerprint (an id prefix of 4 hex digits or more) or a
    /// full id works too. A line that starts with @ is never broadcast: an unknown or ambiguous recipient is refused.
    /// Also completes "@na" with Tab from the names of the directory.
    /// </summary>
    internal static class ChatMention
    {
        /// <summary>Candidates listed when a name is unknown, at most.</summary>
        private const int Listed = 10;

        /// <summary>
        /// Splits "@name text". False when the line does not start with @. With a recipient but no text (or an
        /// unclosed quote) <paramref name="recipient"/> or <paramref name="text"/> is empty: the caller prints the usage.
        /// </summary>
        public static bool TryParse(string line, out string recipient, out string text)
        {
            recipient = string.Empty;
            text = string.Empty;
            if (string.IsNullOrEmpty(line) || line[0] != '@') return false;
            string rest = line.Substring(1);
            if (rest.StartsWith("\"", StringComparison.Ordinal))
            {
                int close = rest.IndexOf('"', 1);
                if (close < 0) return true;
                recipient = rest.Substring(1, close - 1).Trim();
                text = rest.Substring(close + 1).Trim();
                return true;
            }
            int space = IndexOfWhiteSpace(rest);
            if (space < 0)
            {
                recipient = rest.Trim();
                return true;
            }
            recipient = rest.Substring(0, space);
            text = rest.Substring(space + 1).Trim();
            return true;
        }

        /// <summary>How a name is typed after @: quoted when it holds white space or a quote would be ambiguous.</summary>
        public static string Quote(string name) => IndexOfWhiteSpace(name) >= 0 ? "\"" + name + "\"" : name;

        /// <summary>
        /// Tab on a line "@prefix" (nothing typed after the name yet): the completed line, and the candidates to list
        /// when the prefix matches several names. A unique name completes with a space after it; several complete to
        /// their common start (names compare case-insensitively, as the directory does). Null: nothing to complete.
        /// </summary>
        public static string Complete(string line, IReadOnlyList<PeerDirectoryEntry> known, out IReadOnlyList<string> listing)
        {
            listing = Array.Empty<string>();
            if (string.IsNullOrEmpty(line) || line[0] != '@') return null;
            string typed = line.Substring(1);
            bool quoted = typed.StartsWith("\"", StringComparison.Ordinal);
            if (quoted) typed = typed.Substring(1);
            if (typed.IndexOf('"') >= 0 || (!quoted && IndexOfWhiteSpace(typed) >= 0)) return null; // past the name

            List<PeerDirectoryEntry> matches = known.Where(e => e.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0) return null;
            List<string> names = matches.Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (names.Count == 1)
            {
                if (matches.Count > 1) listing = matches.Select(Describe).ToList(); // one name, several nodes: the fingerprint tells them apart
                return "@" + Quote(names[0]) + " ";
            }
            listing = matches.Select(Describe).ToList();
            string common = CommonPrefix(names);
            return "@" + (quoted || IndexOfWhiteSpace(common) >= 0 ? "\"" : string.Empty) + (common.Length > typed.Length ? common : typed);
        }

        /// <summary>Why a recipient matched nobody, with the nodes that were perhaps meant: names containing it, else every known node.</summary>
        public static string DescribeUnknown(string recipient, string nodeName, IReadOnlyList<PeerDirectoryEntry> known)
        {
            var text = new StringBuilder();
            text.Append("Not sent: no node '").Append(recipient).Append("' in the directory of ").Append(nodeName).Append('.');
            if (known.Count == 0)
            {
                text.Append(" No node has announced itself yet; wait for announcements (/who) and try again.");
                return text.ToString();
            }
            List<PeerDirectoryEntry> similar = known.Where(e => e.Name.IndexOf(recipient, StringComparison.OrdinalIgnoreCase) >= 0).ToList();
            List<PeerDirectoryEntry> shown = similar.Count > 0 ? similar : known.ToList();
            text.Append(similar.Count > 0 ? " Did you mean:" : " Known nodes:");
            foreach (PeerDirectoryEntry e in shown.Take(Listed)) text.Append(Environment.NewLine).Append("  @").Append(Quote(e.Name)).Append("  (").Append(e.ShortId).Append(')');
            if (shown.Count > Listed) text.Append(Environment.NewLine).Append("  and ").Append(shown.Count - Listed).Append(" more (/who lists them)");
            return text.ToString();
        }

        private static string Describe(PeerDirectoryEntry e) => "  @" + Quote(e.Name) + "  (" + e.ShortId + ")";

        private static string CommonPrefix(List<string> names)
        {
            string first = names[0];
            int length = first.Length;
            foreach (string name in names.Skip(1))
            {
                int i = 0;
                while (i < length && i < name.Length && char.ToUpperInvariant(first[i]) == char.ToUpperInvariant(name[i])) i++;
                length = i;
            }
            return first.Substring(0, length);
        }

        private static int IndexOfWhiteSpace(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (char.IsWhiteSpace(text[i])) return i;
            }
            return -1;
        }
    }
}
