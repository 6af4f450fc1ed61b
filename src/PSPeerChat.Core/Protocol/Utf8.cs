using System.Globalization;
using System.Text;

namespace PSPeerChat.Protocol
{
    /// <summary>UTF-8 codecs: strict for binary frames (bad bytes fail the frame), lenient for plain text peers.</summary>
    internal static class Utf8
    {
        public static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);
        public static readonly UTF8Encoding Lenient = new UTF8Encoding(false, false);

        /// <summary>
        /// Replaces control characters (a remote name cannot move the cursor or ring the bell of a console) and format
        /// characters (bidi overrides and isolates, zero-width joiners and spaces, which could make a name show as
        /// another, fingerprint included), and line and paragraph separators, each with '?'.
        /// </summary>
        public static string CleanName(string name)
        {
            if (name == null) return string.Empty;
            char[] chars = null;
            for (int i = 0; i < name.Length; i++)
            {
                if (IsUnsafeInName(name[i]))
                {
                    chars = chars ?? name.ToCharArray();
                    chars[i] = '?';
                }
            }
            return chars == null ? name : new string(chars);
        }

        /// <summary>A character no name may show: control, format (Cf: bidi, zero-width), line or paragraph separator.</summary>
        public static bool IsUnsafeInName(char c)
        {
            if (char.IsControl(c)) return true;
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            return category == UnicodeCategory.Format || category == UnicodeCategory.LineSeparator || category == UnicodeCategory.ParagraphSeparator;
        }
    }
}
