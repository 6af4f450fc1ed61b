using System.Text;

namespace PSPeerChat.Protocol
{
    /// <summary>UTF-8 codecs: strict for binary frames (bad bytes fail the frame), lenient for plain text peers.</summary>
    internal static class Utf8
    {
        public static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);
        public static readonly UTF8Encoding Lenient = new UTF8Encoding(false, false);

        /// <summary>Replaces control characters, so a remote name cannot move the cursor or ring the bell of a console.</summary>
        public static string CleanName(string name)
        {
            if (name == null) return string.Empty;
            char[] chars = null;
            for (int i = 0; i < name.Length; i++)
            {
                if (char.IsControl(name[i]))
                {
                    chars = chars ?? name.ToCharArray();
                    chars[i] = '?';
                }
            }
            return chars == null ? name : new string(chars);
        }
    }
}
