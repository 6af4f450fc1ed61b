using System;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// A channel pattern (PeerNodeOptions.Channels): '*' any run of characters, '?' one character, '[abc]' or '[a-z]'
    /// one of a set; everything else matches itself, ignoring case. Channel names never hold these characters
    /// (<see cref="ChannelName"/>), so a pattern without them is a name. '' matches the lobby only.
    /// </summary>
    public sealed class ChannelPattern
    {
        private readonly string _pattern;

        private ChannelPattern(string pattern) => _pattern = pattern;

        /// <summary>The pattern as given, without a leading '#'.</summary>
        public string Text => _pattern;

        /// <summary>True when the pattern has a wildcard (otherwise it is a channel name).</summary>
        public bool HasWildcards => _pattern.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

        public static ChannelPattern Parse(string typed)
        {
            string pattern = ChannelName.Normalize(typed);
            if (Utf8.Strict.GetByteCount(pattern) > 256) throw new ArgumentException("The channel pattern is longer than 256 bytes.", nameof(typed));
            int open = -1;
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '[')
                {
                    if (open >= 0) throw new ArgumentException("The channel pattern '" + pattern + "' opens a [set] inside another.", nameof(typed));
                    open = i;
                }
                else if (c == ']')
                {
                    if (open < 0 || i == open + 1) throw new ArgumentException("The channel pattern '" + pattern + "' has a ']' without a set before it.", nameof(typed));
                    open = -1;
                }
                else if (char.IsWhiteSpace(c) || Utf8.IsUnsafeInName(c))
                {
                    throw new ArgumentException("The channel pattern '" + Utf8.CleanName(pattern) + "' contains whitespace or control characters.", nameof(typed));
                }
            }
            if (open >= 0) throw new ArgumentException("The channel pattern '" + pattern + "' does not close its [set].", nameof(typed));
            return new ChannelPattern(pattern);
        }

        public bool IsMatch(string channel) => Match(_pattern, channel ?? string.Empty);

        public override string ToString() => _pattern;

        // The usual glob walk: remember the last '*' and retry from one character further on a mismatch (O(pattern x name)).
        private static bool Match(string p, string s)
        {
            int pi = 0, si = 0, star = -1, retry = 0;
            while (si < s.Length)
            {
                if (pi < p.Length && p[pi] == '*')
                {
                    star = pi++;
                    retry = si;
                    continue;
                }
                if (pi < p.Length && MatchOne(p, ref pi, s[si]))
                {
                    si++;
                    continue;
                }
                if (star < 0) return false;
                pi = star + 1;
                si = ++retry;
            }
            while (pi < p.Length && p[pi] == '*') pi++;
            return pi == p.Length;
        }

        /// <summary>Whether the pattern element at <paramref name="pi"/> matches <paramref name="c"/>; moves past it when it does.</summary>
        private static bool MatchOne(string p, ref int pi, char c)
        {
            char e = p[pi];
            if (e == '?')
            {
                pi++;
                return true;
            }
            if (e == '[')
            {
                int close = p.IndexOf(']', pi + 1);
                if (!InSet(p, pi + 1, close, c)) return false;
                pi = close + 1;
                return true;
            }
            if (char.ToUpperInvariant(e) != char.ToUpperInvariant(c)) return false;
            pi++;
            return true;
        }

        private static bool InSet(string p, int from, int to, char c)
        {
            char u = char.ToUpperInvariant(c);
            for (int i = from; i < to; i++)
            {
                if (i + 2 < to && p[i + 1] == '-')
                {
                    char lo = char.ToUpperInvariant(p[i]), hi = char.ToUpperInvariant(p[i + 2]);
                    if (u >= lo && u <= hi) return true;
                    i += 2;
                }
                else if (char.ToUpperInvariant(p[i]) == u)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
