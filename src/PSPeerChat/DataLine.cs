using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// A compact one-line rendering of an object message's Data for Enter-PeerChat: @{Name=pwsh; Id=42} for an object,
    /// [a, b] for an array, cut at a few hundred characters.
    /// </summary>
    internal static class DataLine
    {
        private const int MaxChars = 300;

        public static string Render(object data)
        {
            var sb = new StringBuilder();
            Append(sb, data);
            return sb.Length <= MaxChars ? sb.ToString() : sb.ToString(0, MaxChars) + "...";
        }

        private static void Append(StringBuilder sb, object value)
        {
            if (sb.Length > MaxChars) return;
            switch (value)
            {
                case null:
                    sb.Append("null");
                    return;
                case object[] items:
                    sb.Append('[');
                    for (int i = 0; i < items.Length && sb.Length <= MaxChars; i++)
                    {
                        if (i > 0) sb.Append(", ");
                        Append(sb, items[i]);
                    }
                    sb.Append(']');
                    return;
                case PSObject bag when bag.BaseObject is PSCustomObject:
                    sb.Append("@{");
                    bool first = true;
                    foreach (PSPropertyInfo p in bag.Properties)
                    {
                        if (sb.Length > MaxChars) break;
                        if (!first) sb.Append("; ");
                        first = false;
                        sb.Append(p.Name).Append('=');
                        Append(sb, p.Value);
                    }
                    sb.Append('}');
                    return;
                case double d:
                    sb.Append(d.ToString(CultureInfo.InvariantCulture));
                    return;
                case decimal m:
                    sb.Append(m.ToString(CultureInfo.InvariantCulture));
                    return;
                default:
                    sb.Append(value);
                    return;
            }
        }
    }
}
