using System;
using System.Linq;
using System.Text;
using CsCheck;
using PSPeerChat.Content;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The strict JSON reader and writer of object messages (protocol.md §3.13): every value kind round-trips, and what
    /// a hostile peer can write (deep, huge, odd types, truncated, duplicate names, lax syntax) is refused cleanly.
    /// </summary>
    public class JsonContentTests
    {
        private static object Parse(string json)
        {
            Assert.True(JsonReader.TryParse(json, out object value, out _, out string error), error);
            return value;
        }

        private static string Refused(string json)
        {
            Assert.False(JsonReader.TryParse(json, out object value, out _, out string error), "accepted: " + (json.Length > 80 ? json.Substring(0, 80) + "..." : json));
            Assert.Null(value);
            Assert.False(string.IsNullOrEmpty(error));
            return error;
        }

        private static JsonObject Sample()
        {
            var inner = new JsonObject();
            inner.Add("empty object", new JsonObject());
            inner.Add("empty array", new object[0]);
            inner.Add("nested", new object[] { new object[] { 1L, "two" }, null });
            var tree = new JsonObject();
            tree.Add("text", "quote \" backslash \\ slash / tab \t newline \n nul \u0000 del \u007f sep \u2028 é 漢字 👋🏽");
            tree.Add("min", long.MinValue);
            tree.Add("max", long.MaxValue);
            tree.Add("big", 79228162514264337593543950335m);
            tree.Add("fraction", 0.1);
            tree.Add("whole double", 5.0);
            tree.Add("tiny", 5e-324);
            tree.Add("huge", 1.7976931348623157e308);
            tree.Add("yes", true);
            tree.Add("no", false);
            tree.Add("nothing", null);
            tree.Add("inner", inner);
            return tree;
        }

        [Fact]
        public void Every_value_kind_round_trips_with_its_type_and_order()
        {
            string json = JsonWriter.Write(Sample());
            Assert.DoesNotContain('\n', json); // one line: a plain text peer gets it as its line
            var back = Assert.IsType<JsonObject>(Parse(json));
            Assert.Equal(json, JsonWriter.Write(back));
            Assert.Equal(Sample().Properties.Select(p => p.Key), back.Properties.Select(p => p.Key));
            Assert.True(back.TryGetValue("text", out object text));
            Assert.Equal(Sample().Properties[0].Value, text);
            Assert.True(back.TryGetValue("MIN", out object min)); // names ignore case, as PowerShell's do
            Assert.Equal(long.MinValue, Assert.IsType<long>(min));
            back.TryGetValue("big", out object big);
            Assert.Equal(79228162514264337593543950335m, Assert.IsType<decimal>(big));
            back.TryGetValue("fraction", out object fraction);
            Assert.Equal(0.1, Assert.IsType<double>(fraction));
            back.TryGetValue("whole double", out object whole);
            Assert.Equal(5.0, Assert.IsType<double>(whole));
            back.TryGetValue("tiny", out object tiny);
            Assert.Equal(5e-324, tiny);
            back.TryGetValue("yes", out object yes);
            Assert.Equal(true, yes);
            back.TryGetValue("nothing", out object nothing);
            Assert.Null(nothing);
            back.TryGetValue("inner", out object inner);
            var nested = (object[])((JsonObject)inner).Properties[2].Value;
            Assert.Equal(new object[] { 1L, "two" }, (object[])nested[0]);
            Assert.Null(nested[1]);
        }

        [Theory]
        [InlineData("0", 0L)]
        [InlineData("-0", 0L)]
        [InlineData("42", 42L)]
        [InlineData("\"s\"", "s")]
        [InlineData("true", true)]
        [InlineData(" null ", null)]
        public void A_bare_value_is_a_document_too(string json, object expected) => Assert.Equal(expected, Parse(json));

        [Fact]
        public void Every_truncation_point_of_a_valid_document_is_refused_cleanly()
        {
            string json = JsonWriter.Write(Sample()) + " ";
            Parse(json);
            for (int length = 0; length < json.Length - 1; length++) Refused(json.Substring(0, length));
        }

        [Fact]
        public void Thirty_two_levels_are_read_and_thirty_three_refused()
        {
            Parse(new string('[', 32) + new string(']', 32));
            Assert.Contains("deeper than 32", Refused(new string('[', 33) + new string(']', 33)));
            string objects32 = string.Concat(Enumerable.Repeat("{\"a\":", 31)) + "{}" + new string('}', 31);
            Parse(objects32);
            Assert.Contains("deeper than 32", Refused(string.Concat(Enumerable.Repeat("{\"a\":", 32)) + "{}" + new string('}', 32)));
            // A hostile depth far past the bound costs no stack: refused at level 33.
            Refused(new string('[', 60000));
        }

        [Fact]
        public void Ten_thousand_values_are_read_and_ten_thousand_and_one_refused()
        {
            string ok = "[" + string.Join(",", Enumerable.Repeat("0", 9999)) + "]"; // the array and 9,999 numbers
            Assert.True(JsonReader.TryParse(ok, out _, out int values, out string error), error);
            Assert.Equal(10000, values);
            Assert.Contains("more than 10000 values", Refused("[" + string.Join(",", Enumerable.Repeat("0", 10000)) + "]"));
            Assert.Contains("more than 10000 values", Refused("[" + string.Join(",", Enumerable.Repeat("{}", 10000)) + "]"));
        }

        [Fact]
        public void Huge_numbers_become_decimal_or_double_and_past_a_double_are_refused()
        {
            Assert.Equal(long.MaxValue, Parse("9223372036854775807"));
            Assert.Equal(9223372036854775808m, Parse("9223372036854775808"));
            Assert.Equal(-79228162514264337593543950335m, Parse("-79228162514264337593543950335"));
            Assert.Equal(1e30, Assert.IsType<double>(Parse("1000000000000000000000000000000")));
            Assert.Equal(1.5, Parse("1.5"));
            Assert.Equal(1e300, Parse("1E+300"));
            Assert.Equal(0.0, Parse("1e-400")); // underflow is a number, zero
            Assert.Contains("out of range", Refused("1e400"));
            Assert.Contains("out of range", Refused("-1e400"));
            Assert.Contains("out of range", Refused("1" + new string('0', 399)));
            Assert.Contains("longer than 400", Refused("1" + new string('0', 400)));
            Assert.Contains("longer than 400", Refused("0." + new string('1', 500)));
        }

        [Theory]
        [InlineData("{\"a\":1,\"a\":2}")]
        [InlineData("{\"a\":1,\"A\":2}")]
        [InlineData("{\"name\":1,\"n\\u0061me\":2}")]
        public void Duplicate_property_names_are_refused_ignoring_case(string json) => Assert.Contains("duplicate property name", Refused(json));

        [Theory]
        [InlineData(2)]
        [InlineData(8)]
        [InlineData(9)]
        [InlineData(40)]
        public void A_duplicate_name_is_found_in_small_and_large_objects(int properties)
        {
            var names = Enumerable.Range(0, properties).Select(i => "\"p" + i + "\":" + i).ToList();
            Assert.Equal(properties, ((JsonObject)Parse("{" + string.Join(",", names) + "}")).Count);
            foreach (int dup in new[] { 0, properties / 2, properties - 1 })
            {
                string json = "{" + string.Join(",", names) + ",\"P" + dup + "\":true}";
                Assert.Contains("duplicate property name 'P" + dup + "'", Refused(json));
            }
        }

        [Fact]
        public void A_type_name_in_the_input_stays_a_property_of_a_bag()
        {
            var bag = Assert.IsType<JsonObject>(Parse("{\"$type\":\"System.IO.FileInfo, System.IO.FileSystem\",\"FullName\":\"/etc/passwd\",\"__proto__\":{}}"));
            Assert.Equal(new[] { "$type", "FullName", "__proto__" }, bag.Properties.Select(p => p.Key));
            Assert.Equal("System.IO.FileInfo, System.IO.FileSystem", bag.Properties[0].Value);
            Assert.IsType<JsonObject>(bag.Properties[2].Value);
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("\uFEFF{}")]
        [InlineData("{} {}")]
        [InlineData("{}x")]
        [InlineData("[1,]")]
        [InlineData("{\"a\":1,}")]
        [InlineData("[1 2]")]
        [InlineData("{\"a\" 1}")]
        [InlineData("{a:1}")]
        [InlineData("{'a':1}")]
        [InlineData("'text'")]
        [InlineData("/* c */ 1")]
        [InlineData("1 // c")]
        [InlineData("NaN")]
        [InlineData("Infinity")]
        [InlineData("-Infinity")]
        [InlineData("+1")]
        [InlineData("01")]
        [InlineData(".5")]
        [InlineData("1.")]
        [InlineData("1e")]
        [InlineData("0x10")]
        [InlineData("tru")]
        [InlineData("True")]
        [InlineData("nul")]
        [InlineData("\"tab\there\"")]
        [InlineData("\"line\nbreak\"")]
        [InlineData("\"\\x41\"")]
        [InlineData("\"\\u12\"")]
        [InlineData("\"\\ud800\"")]
        [InlineData("\"\\udc00\"")]
        [InlineData("\"\\ud800\\u0041\"")]
        [InlineData("{\"\":1}")]
        [InlineData("\u00a0 1")]
        public void Lax_or_malformed_JSON_is_refused(string json) => Refused(json);

        [Fact]
        public void A_lone_surrogate_in_the_text_itself_is_refused()
        {
            Refused("\"a\ud800b\"");
            Refused("\"\udc00\"");
            Assert.Equal("👋", Parse("\"\\ud83d\\udc4b\""));
        }

        [Fact]
        public void Documents_and_names_are_bounded()
        {
            string longest = "\"" + new string('x', JsonLimits.MaxChars - 2) + "\"";
            Assert.Equal(JsonLimits.MaxChars - 2, ((string)Parse(longest)).Length);
            Assert.Contains("longer than 64000", Refused(longest + " "));
            Parse("{\"" + new string('n', 1024) + "\":1}");
            Assert.Contains("longer than 1024", Refused("{\"" + new string('n', 1025) + "\":1}"));
            Assert.False(JsonReader.TryParse(null, out _, out _, out _));
        }

        [Fact]
        public void Mutated_documents_are_read_or_refused_never_thrown_and_what_is_read_writes_back_stably()
        {
            string seed = JsonWriter.Write(Sample());
            const string alphabet = "{}[]\",:0123456789.eE+-tfnulrsa \\/\t\nu\ud800\udc00é";
            Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue]).Sample((changes, salt) =>
            {
                var random = new Random(salt);
                var sb = new StringBuilder(seed);
                for (int c = 0; c < changes && sb.Length > 0; c++)
                {
                    int at = random.Next(sb.Length);
                    char ch = alphabet[random.Next(alphabet.Length)];
                    switch (random.Next(3))
                    {
                        case 0: sb[at] = ch; break;
                        case 1: sb.Insert(at, ch); break;
                        default: sb.Remove(at, 1); break;
                    }
                }
                string json = sb.ToString();
                if (!JsonReader.TryParse(json, out object tree, out _, out _)) return;
                string written = JsonWriter.Write(tree);
                Assert.True(JsonReader.TryParse(written, out object again, out _, out string error), error);
                Assert.Equal(written, JsonWriter.Write(again));
            }, iter: 2000);
        }

        [Fact]
        public void The_writer_refuses_what_the_reader_would_refuse()
        {
            Assert.Throws<ArgumentException>(() => JsonWriter.Write(double.NaN));
            Assert.Throws<ArgumentException>(() => JsonWriter.Write(double.PositiveInfinity));
            Assert.Throws<ArgumentException>(() => JsonWriter.Write("a\ud800"));
            Assert.Throws<ArgumentException>(() => JsonWriter.Write(new System.IO.FileInfo("x"))); // only the tree's kinds
            object deep = new object[0];
            for (int i = 0; i < 32; i++) deep = new object[] { deep };
            Assert.Throws<ArgumentException>(() => JsonWriter.Write(deep)); // 33 levels
            Assert.Equal("[1,2.5,\"\\u0001\"]", JsonWriter.Write(new object[] { 1, 2.5, "\u0001" }));
        }
    }
}
