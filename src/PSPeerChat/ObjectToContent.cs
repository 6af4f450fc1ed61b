using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Runtime.CompilerServices;
using PSPeerChat.Content;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Any PowerShell object to the engine's neutral content tree, the way ConvertTo-Json sees it (protocol.md §3.13):
    /// a PSObject's gettable properties (adapted and extended) as a property bag, dictionaries as property bags with
    /// their keys as names, other enumerables as arrays; strings, numbers and booleans as themselves, enums by name,
    /// DateTime and DateTimeOffset as ISO 8601 strings, Guid, Uri, Version, TimeSpan, char, Type and scriptblocks as
    /// strings. Containers deeper than -Depth (arrays count as a level), and an object met again inside itself (a
    /// cycle), become their ToString(). Over 10,000 values or 64,000 characters of strings it stops with
    /// <see cref="ObjectTooLargeException"/>, so a huge object costs no more than that to refuse.
    /// </summary>
    internal sealed class ObjectToContent
    {
        private readonly int _depth;
        private readonly HashSet<object> _path = new HashSet<object>(ReferenceComparer.Instance);
        private int _values;
        private long _chars;

        private ObjectToContent(int depth) => _depth = depth;

        /// <param name="depth">The deepest level expanded: 0 expands only the object itself (its properties become strings).</param>
        public static object Convert(object input, int depth) => new ObjectToContent(depth).ToTree(input, 0);

        private object ToTree(object value, int level)
        {
            if (++_values > JsonLimits.MaxValues)
            {
                throw new ObjectTooLargeException("The object has more than " + JsonLimits.MaxValues.ToString("N0", CultureInfo.InvariantCulture)
                    + " values (properties, array items and what they hold); a message holds at most that many. Send fewer properties (Select-Object Name, Id), a lower -Depth, or fewer items at a time.");
            }
            if (value is PSObject wrapped)
            {
                object inner = wrapped.BaseObject;
                if (inner == null) return null;
                if (TryScalar(inner, out object scalar)) return scalar; // a string from Get-Content carries note properties: it is still a string
                if (!(inner is PSCustomObject)) value = inner is IDictionary || inner is IEnumerable ? inner : wrapped;
            }
            if (value == null) return null;
            if (TryScalar(value, out object s)) return s;
            object identity = value is PSObject p ? p.BaseObject is PSCustomObject ? (object)p : p.BaseObject : value;
            if (level > _depth || _path.Contains(identity)) return Text(SafeToString(value));
            _path.Add(identity);
            try
            {
                if (value is IDictionary dictionary) return FromDictionary(dictionary, level);
                if (value is IEnumerable items && !(value is PSObject)) return FromEnumerable(items, level);
                return FromProperties(PSObject.AsPSObject(value), level);
            }
            finally
            {
                _path.Remove(identity);
            }
        }

        private JsonObject FromDictionary(IDictionary dictionary, int level)
        {
            var result = new JsonObject();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in dictionary)
            {
                string name = entry.Key is PSObject k ? k.BaseObject?.ToString() : entry.Key?.ToString();
                if (string.IsNullOrEmpty(name)) throw new ArgumentException("The dictionary has an empty key; an object message's property names cannot be empty.");
                if (!names.Add(name)) throw new ArgumentException("The dictionary has two keys that differ only in case ('" + name + "'); an object message's property names ignore case, as PowerShell's do.");
                Text(name);
                result.Add(name, ToTree(entry.Value, level + 1));
            }
            return result;
        }

        private object[] FromEnumerable(IEnumerable items, int level)
        {
            var list = new List<object>();
            foreach (object item in items) list.Add(ToTree(item, level + 1));
            return list.ToArray();
        }

        private JsonObject FromProperties(PSObject source, int level)
        {
            var result = new JsonObject();
            foreach (PSPropertyInfo property in source.Properties)
            {
                if (!property.IsGettable) continue;
                object value;
                try
                {
                    value = property.Value;
                }
                catch (Exception)
                {
                    value = null; // a getter that throws (access denied, not supported) sends null, as ConvertTo-Json does
                }
                Text(property.Name);
                result.Add(property.Name, ToTree(value, level + 1));
            }
            return result;
        }

        /// <summary>A string of the tree, counted against the size a message can hold.</summary>
        private string Text(string text)
        {
            _chars += text?.Length ?? 0;
            if (_chars > JsonLimits.MaxChars)
            {
                throw new ObjectTooLargeException("The object holds more than " + JsonLimits.MaxChars.ToString("N0", CultureInfo.InvariantCulture)
                    + " characters of text; a message holds at most 64,000 bytes of JSON. Send fewer properties (Select-Object Name, Id), a lower -Depth, or fewer items at a time.");
            }
            return text;
        }

        private static string SafeToString(object value)
        {
            try
            {
                return value.ToString() ?? string.Empty;
            }
            catch (Exception)
            {
                return value.GetType().FullName;
            }
        }

        private bool TryScalar(object value, out object scalar)
        {
            scalar = null;
            switch (value)
            {
                case string s: scalar = Text(s); return true;
                case bool b: scalar = b; return true;
                case Enum e: scalar = Text(e.ToString()); return true;
                case sbyte or byte or short or ushort or int or uint or long: scalar = System.Convert.ToInt64(value, CultureInfo.InvariantCulture); return true;
                case ulong u: scalar = u <= long.MaxValue ? (object)(long)u : (decimal)u; return true;
                case float f: scalar = Finite(f); return true;
                case double d: scalar = Finite(d); return true;
                case decimal m: scalar = m; return true;
                case BigInteger big: scalar = big >= (BigInteger)decimal.MinValue && big <= (BigInteger)decimal.MaxValue ? (object)(decimal)big : Text(big.ToString(CultureInfo.InvariantCulture)); return true;
                case DateTime t: scalar = Text(t.ToString("o", CultureInfo.InvariantCulture)); return true;
                case DateTimeOffset o: scalar = Text(o.ToString("o", CultureInfo.InvariantCulture)); return true;
                case TimeSpan span: scalar = Text(span.ToString("c", CultureInfo.InvariantCulture)); return true;
                case char or Guid or Uri or Version or Type or ScriptBlock: scalar = Text(value.ToString()); return true;
                default: return false;
            }
        }

        /// <summary>JSON has no NaN or Infinity: those travel as their names, as ConvertTo-Json writes them.</summary>
        private object Finite(double d) => double.IsNaN(d) || double.IsInfinity(d) ? Text(d.ToString(CultureInfo.InvariantCulture)) : (object)d;

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();

            public new bool Equals(object x, object y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
