using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PSPeerChat.Content
{
    /// <summary>
    /// Writes the neutral content tree as compact JSON (RFC 8259, one line: a plain text peer gets it as its line,
    /// protocol.md §3.13, §5). Accepts only the tree's kinds: <see cref="JsonObject"/>, object[] (any IList of object),
    /// string, long, int, decimal, double, bool and null; a non-finite double, a lone surrogate or a tree deeper than
    /// <see cref="JsonLimits.MaxDepth"/> throws <see cref="ArgumentException"/>: what the writer writes, the reader reads.
    /// </summary>
    internal static class JsonWriter
    {
        public static string Write(object tree)
        {
            var sb = new StringBuilder();
            Write(sb, tree, 1);
            return sb.ToString();
        }

        private static void Write(StringBuilder sb, object value, int depth)
        {
            switch (value)
            {
                case null: sb.Append("null"); return;
                case bool b: sb.Append(b ? "true" : "false"); return;
                case string s: WriteString(sb, s); return;
                case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); return;
                case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); return;
                case decimal m: sb.Append(m.ToString(CultureInfo.InvariantCulture)); return;
                case double d:
                    if (double.IsNaN(d) || double.IsInfinity(d)) throw new ArgumentException("JSON has no NaN or Infinity.", nameof(value));
                    string r = d.ToString("R", CultureInfo.InvariantCulture);
                    sb.Append(r);
                    // "R" writes 1E+20 and 5: JSON accepts both; a whole double gets ".0" so that it reads back as a double.
                    if (r.IndexOfAny(new[] { '.', 'E', 'e' }) < 0) sb.Append(".0");
                    return;
                case JsonObject o:
                    CheckDepth(depth);
                    sb.Append('{');
                    bool first = true;
                    foreach (KeyValuePair<string, object> p in o.Properties)
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        WriteString(sb, p.Key);
                        sb.Append(':');
                        Write(sb, p.Value, depth + 1);
                    }
                    sb.Append('}');
                    return;
                case IList<object> list:
                    CheckDepth(depth);
                    sb.Append('[');
                    for (int k = 0; k < list.Count; k++)
                    {
                        if (k > 0) sb.Append(',');
                        Write(sb, list[k], depth + 1);
                    }
                    sb.Append(']');
                    return;
                default:
                    throw new ArgumentException("A " + value.GetType().Name + " is not a node of the content tree.", nameof(value));
            }
        }

        private static void CheckDepth(int depth)
        {
            if (depth > JsonLimits.MaxDepth) throw new ArgumentException("The tree is nested deeper than " + JsonLimits.MaxDepth + ".", nameof(depth));
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default:
                        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            sb.Append(c).Append(s[++i]);
                        }
                        else if (char.IsSurrogate(c))
                        {
                            throw new ArgumentException("The string holds a lone surrogate (U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) + "), which UTF-8 cannot carry.", nameof(s));
                        }
                        else if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == '\u007f')
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
