using System;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// Channel names (protocol.md §3.2, §3.12): at most 32 UTF-8 bytes, no whitespace, no control or format characters,
    /// none of the wildcard characters <c>*?[]</c> (so a pattern is never also a name); compared ignoring case. The empty
    /// name is the lobby. A leading '#' typed by a user is not part of the name (<c>#ops</c> is <c>ops</c>).
    /// </summary>
    public static class ChannelName
    {
        /// <summary>Longest channel name, in UTF-8 bytes.</summary>
        public const int MaxBytes = 32;

        /// <summary>The lobby: the channel of every message sent without one, and of every text peer's line.</summary>
        public const string Lobby = "";

        /// <summary>How channel names compare everywhere: ordinal, ignoring case.</summary>
        public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

        /// <summary>True for the characters a pattern gives a meaning to; never part of a name.</summary>
        public static bool IsWildcard(char c) => c == '*' || c == '?' || c == '[' || c == ']';

        /// <summary>A name as a user typed it: surrounding blanks and one leading '#' removed (null stays empty).</summary>
        public static string Normalize(string typed)
        {
            string name = (typed ?? string.Empty).Trim();
            return name.StartsWith("#", StringComparison.Ordinal) ? name.Substring(1) : name;
        }

        /// <summary>Null when <paramref name="name"/> (already normalized) is a valid channel name, else why not.</summary>
        public static string Check(string name)
        {
            if (name == null) return "the channel name is null";
            int bytes;
            try
            {
                bytes = Utf8.Strict.GetByteCount(name);
            }
            catch (ArgumentException)
            {
                return "the channel name is not valid Unicode";
            }
            if (bytes > MaxBytes) return "the channel name '" + Utf8.CleanName(name) + "' is " + bytes + " UTF-8 bytes long; the limit is " + MaxBytes;
            foreach (char c in name)
            {
                if (char.IsWhiteSpace(c)) return "the channel name contains whitespace";
                if (Utf8.IsUnsafeInName(c)) return "the channel name contains control or format characters";
                if (IsWildcard(c)) return "the channel name contains one of * ? [ ] (they are for patterns)";
            }
            return null;
        }

        /// <summary>The normalized name, or an <see cref="ArgumentException"/> that says what is wrong.</summary>
        public static string Parse(string typed, string paramName)
        {
            string name = Normalize(typed);
            string error = Check(name);
            if (error != null) throw new ArgumentException("Invalid channel: " + error + ". Use up to " + MaxBytes + " bytes of visible characters, without spaces or * ? [ ].", paramName);
            return name;
        }

        /// <summary>How a channel shows: '#name', or '' for the lobby.</summary>
        public static string Display(string name) => string.IsNullOrEmpty(name) ? string.Empty : "#" + name;
    }
}
