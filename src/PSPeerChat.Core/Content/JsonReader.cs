using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PSPeerChat.Content
{
    /// <summary>
    /// A strict JSON reader (RFC 8259) for what peers send as object messages (protocol.md §3.13). Hostile input: the
    /// document, its depth, its number of values, its names and number literals are bounded (<see cref="JsonLimits"/>);
    /// no comments, trailing commas, NaN, Infinity, single quotes, lone surrogates or bytes after the value; property
    /// names non-empty and unique ignoring case (PowerShell's properties ignore case). It builds only the neutral tree:
    /// <see cref="JsonObject"/>, object[], string, long, decimal, double, bool and null; no name in the input ever
    /// selects a .NET type.
    /// </summary>
    internal sealed class JsonReader
    {
        private readonly string _s;
        private int _i;
        private int _values;
        private string _error;

        private JsonReader(string s) => _s = s;

        /// <summary>
        /// Parses <paramref name="json"/> into the neutral tree. False with a reason (and a null value) when it is not
        /// one JSON value within the bounds; <paramref name="values"/> counts the values read.
        /// </summary>
        public static bool TryParse(string json, out object value, out int values, out string error)
        {
            value = null;
            values = 0;
            if (json == null)
            {
                error = "no document";
                return false;
            }
            if (json.Length > JsonLimits.MaxChars)
            {
                error = "document longer than " + JsonLimits.MaxChars + " characters";
                return false;
            }
            var reader = new JsonReader(json);
            reader.SkipSpace();
            bool ok = reader.ReadValue(1, out object v);
            if (ok)
            {
                reader.SkipSpace();
                if (reader._i != json.Length) ok = reader.Fail("text after the value");
            }
            values = reader._values;
            error = ok ? null : reader._error;
            if (ok) value = v;
            return ok;
        }

        private bool Fail(string reason)
        {
            _error = reason + " at character " + _i;
            return false;
        }

        private void SkipSpace()
        {
            while (_i < _s.Length)
            {
                char c = _s[_i];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                _i++;
            }
        }

        /// <param name="depth">The depth a container starting here would have (the top level's is 1).</param>
        private bool ReadValue(int depth, out object value)
        {
            value = null;
            if (++_values > JsonLimits.MaxValues) return Fail("more than " + JsonLimits.MaxValues + " values");
            if (_i >= _s.Length) return Fail("end of document where a value was expected");
            char c = _s[_i];
            switch (c)
            {
                case '{': return ReadObject(depth, out value);
                case '[': return ReadArray(depth, out value);
                case '"':
                    bool ok = ReadString(int.MaxValue, out string text);
                    value = text;
                    return ok;
                case 't': value = true; return ReadWord("true");
                case 'f': value = false; return ReadWord("false");
                case 'n': value = null; return ReadWord("null");
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber(out value);
                    return Fail("unexpected character '" + (char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString()) + "'");
            }
        }

        private bool ReadWord(string word)
        {
            if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0) return Fail("unknown literal");
            _i += word.Length;
            return true;
        }

        private bool ReadObject(int depth, out object value)
        {
            value = null;
            if (depth > JsonLimits.MaxDepth) return Fail("nested deeper than " + JsonLimits.MaxDepth);
            _i++; // {
            var result = new JsonObject();
            HashSet<string> names = null; // only past SmallObject properties: small objects are scanned
            SkipSpace();
            if (_i < _s.Length && _s[_i] == '}')
            {
                _i++;
                value = result;
                return true;
            }
            while (true)
            {
                SkipSpace();
                if (_i >= _s.Length || _s[_i] != '"') return Fail("a property name was expected");
                if (!ReadString(JsonLimits.MaxNameChars, out string name)) return false;
                if (name.Length == 0) return Fail("empty property name");
                if (!IsNewName(result, ref names, name)) return Fail("duplicate property name '" + name + "' (names are compared ignoring case)");
                SkipSpace();
                if (_i >= _s.Length || _s[_i] != ':') return Fail("':' was expected");
                _i++;
                SkipSpace();
                if (!ReadValue(depth + 1, out object item)) return false;
                result.Add(name, item);
                SkipSpace();
                if (_i >= _s.Length) return Fail("end of document inside an object");
                if (_s[_i] == ',')
                {
                    _i++;
                    continue;
                }
                if (_s[_i] != '}') return Fail("',' or '}' was expected");
                _i++;
                value = result;
                return true;
            }
        }

        private const int SmallObject = 8;

        /// <summary>False when <paramref name="name"/> is already a property of <paramref name="bag"/>, ignoring case.</summary>
        private static bool IsNewName(JsonObject bag, ref HashSet<string> names, string name)
        {
            if (names != null) return names.Add(name);
            IReadOnlyList<KeyValuePair<string, object>> properties = bag.Properties;
            for (int k = 0; k < properties.Count; k++)
            {
                if (string.Equals(properties[k].Key, name, StringComparison.OrdinalIgnoreCase)) return false;
            }
            if (properties.Count >= SmallObject)
            {
                names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (int k = 0; k < properties.Count; k++) names.Add(properties[k].Key);
                names.Add(name);
            }
            return true;
        }

        private bool ReadArray(int depth, out object value)
        {
            value = null;
            if (depth > JsonLimits.MaxDepth) return Fail("nested deeper than " + JsonLimits.MaxDepth);
            _i++; // [
            var items = new List<object>();
            SkipSpace();
            if (_i < _s.Length && _s[_i] == ']')
            {
                _i++;
                value = items.ToArray();
                return true;
            }
            while (true)
            {
                SkipSpace();
                if (!ReadValue(depth + 1, out object item)) return false;
                items.Add(item);
                SkipSpace();
                if (_i >= _s.Length) return Fail("end of document inside an array");
                if (_s[_i] == ',')
                {
                    _i++;
                    continue;
                }
                if (_s[_i] != ']') return Fail("',' or ']' was expected");
                _i++;
                value = items.ToArray();
                return true;
            }
        }

        private bool ReadString(int maxChars, out string value)
        {
            value = null;
            _i++; // the opening quote
            int start = _i;
            StringBuilder built = null;
            while (true)
            {
                if (_i >= _s.Length) return Fail("end of document inside a string");
                char c = _s[_i];
                if (c == '"')
                {
                    value = built == null ? _s.Substring(start, _i - start) : built.Append(_s, start, _i - start).ToString();
                    _i++;
                    if (value.Length > maxChars) return Fail("property name longer than " + maxChars + " characters");
                    return true;
                }
                if (c < 0x20) return Fail("control character in a string");
                if (char.IsHighSurrogate(c))
                {
                    if (_i + 1 >= _s.Length || !char.IsLowSurrogate(_s[_i + 1])) return Fail("lone surrogate in a string");
                    _i += 2;
                    continue;
                }
                if (char.IsLowSurrogate(c)) return Fail("lone surrogate in a string");
                if (c != '\\')
                {
                    _i++;
                    continue;
                }
                built = built ?? new StringBuilder();
                built.Append(_s, start, _i - start);
                if (!ReadEscape(built)) return false;
                start = _i;
            }
        }

        /// <summary>One escape, at the backslash; a \u high surrogate must be followed by a \u low surrogate.</summary>
        private bool ReadEscape(StringBuilder into)
        {
            if (_i + 1 >= _s.Length) return Fail("end of document inside an escape");
            char e = _s[_i + 1];
            _i += 2;
            switch (e)
            {
                case '"': into.Append('"'); return true;
                case '\\': into.Append('\\'); return true;
                case '/': into.Append('/'); return true;
                case 'b': into.Append('\b'); return true;
                case 'f': into.Append('\f'); return true;
                case 'n': into.Append('\n'); return true;
                case 'r': into.Append('\r'); return true;
                case 't': into.Append('\t'); return true;
                case 'u':
                    if (!ReadHex4(out char unit)) return false;
                    if (char.IsLowSurrogate(unit)) return Fail("lone surrogate escape");
                    if (char.IsHighSurrogate(unit))
                    {
                        if (_i + 1 >= _s.Length || _s[_i] != '\\' || _s[_i + 1] != 'u') return Fail("lone surrogate escape");
                        _i += 2;
                        if (!ReadHex4(out char low)) return false;
                        if (!char.IsLowSurrogate(low)) return Fail("lone surrogate escape");
                        into.Append(unit).Append(low);
                        return true;
                    }
                    into.Append(unit);
                    return true;
                default:
                    return Fail("unknown escape");
            }
        }

        private bool ReadHex4(out char unit)
        {
            unit = '\0';
            if (_i + 4 > _s.Length) return Fail("end of document inside an escape");
            int v = 0;
            for (int k = 0; k < 4; k++)
            {
                char h = _s[_i + k];
                int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (d < 0) return Fail("bad \\u escape");
                v = (v << 4) | d;
            }
            _i += 4;
            unit = (char)v;
            return true;
        }

        /// <summary>
        /// A number (RFC 8259 grammar): an integer that fits is a long; a larger integer a decimal while it fits one,
        /// else a double; a fraction or exponent a double. Out of a double's range (it would be infinite) is refused.
        /// </summary>
        private bool ReadNumber(out object value)
        {
            value = null;
            int start = _i;
            if (_s[_i] == '-') _i++;
            if (_i >= _s.Length || !IsDigit(_s[_i])) return Fail("a digit was expected");
            if (_s[_i] == '0') _i++;
            else while (_i < _s.Length && IsDigit(_s[_i])) _i++;
            bool integer = true;
            if (_i < _s.Length && _s[_i] == '.')
            {
                integer = false;
                _i++;
                if (_i >= _s.Length || !IsDigit(_s[_i])) return Fail("a digit was expected after '.'");
                while (_i < _s.Length && IsDigit(_s[_i])) _i++;
            }
            if (_i < _s.Length && (_s[_i] == 'e' || _s[_i] == 'E'))
            {
                integer = false;
                _i++;
                if (_i < _s.Length && (_s[_i] == '+' || _s[_i] == '-')) _i++;
                if (_i >= _s.Length || !IsDigit(_s[_i])) return Fail("a digit was expected in the exponent");
                while (_i < _s.Length && IsDigit(_s[_i])) _i++;
            }
            if (_i - start > JsonLimits.MaxNumberChars) return Fail("number longer than " + JsonLimits.MaxNumberChars + " characters");
            string literal = _s.Substring(start, _i - start);
            if (integer)
            {
                if (long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
                {
                    value = l;
                    return true;
                }
                if (decimal.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out decimal m))
                {
                    value = m;
                    return true;
                }
            }
            double d;
            try
            {
                d = double.Parse(literal, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                return Fail("number out of range");
            }
            if (double.IsInfinity(d) || double.IsNaN(d)) return Fail("number out of range");
            value = d;
            return true;
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';
    }
}
