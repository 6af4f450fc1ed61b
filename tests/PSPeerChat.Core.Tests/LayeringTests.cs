using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The engine's shape (docs/architecture.md), read from its sources: namespaces form a one-way chain, lower layers
    /// use no type of the node's face, and no file grows past the size that asks for a split.
    /// </summary>
    public class LayeringTests
    {
        /// <summary>Bottom first: a layer may use only the layers before it. A nested namespace is a layer of its own.</summary>
        private static readonly string[] Chain = { "Stats", "Settings", "Timing", "Events", "Content", "Inbox", "Map", "Crypto", "Identity", "Protocol", "Protocol.Noise", "History", "Flood", "Transport", "Links", "Joining", "Crawl" };

        /// <summary>Root types the public API fixes in the root namespace and lower layers may use: they depend on nothing.</summary>
        private static readonly HashSet<string> Vocabulary = new HashSet<string>
        {
            "CloseReason", "PeerDirection", "PeerProtocol", "PeerState", "PeerConnectException", "PortInUseException",
            "PeerMessage", "PeerDirectoryEntry", "PeerAddressEntry", "Reachability",
            "PeerNetworkNode", "PeerNetworkLink", "PeerNetworkTest", "PeerNetworkTestNode",
        };

        private static readonly string Engine = Path.Combine(RepositoryRoot(), "src", "PSPeerChat.Core");

        private static string RepositoryRoot()
        {
            string dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "PSPeerChat.sln"))) dir = Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("PSPeerChat.sln not found above " + AppContext.BaseDirectory);
        }

        private static IEnumerable<(string file, string ns, string code)> Sources()
        {
            foreach (string file in Directory.EnumerateFiles(Engine, "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) || file.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar)) continue;
                string text = File.ReadAllText(file);
                string code = Regex.Replace(text, @"//.*", string.Empty); // comments may name anything
                string ns = Regex.Match(code, @"^namespace ([\w.]+)", RegexOptions.Multiline).Groups[1].Value;
                yield return (Path.GetRelativePath(Engine, file), ns, code);
            }
        }

        private static string LayerOf(string ns) => ns == "PSPeerChat" ? null : ns.Substring("PSPeerChat.".Length);

        [Fact]
        public void Every_namespace_of_the_engine_has_its_place_in_the_chain()
        {
            string[] unplaced = Sources().Select(s => LayerOf(s.ns)).Where(l => l != null && !Chain.Contains(l)).Distinct().ToArray();
            Assert.Empty(unplaced);
        }

        [Fact]
        public void A_layer_uses_only_the_layers_below_it()
        {
            var wrong = new List<string>();
            foreach (var (file, ns, code) in Sources())
            {
                string layer = LayerOf(ns);
                if (layer == null) continue; // the root (the node and its public face) may use every layer
                int rank = Array.IndexOf(Chain, layer);
                foreach (Match m in Regex.Matches(code, @"^using PSPeerChat\.([\w.]+);", RegexOptions.Multiline))
                {
                    string used = m.Groups[1].Value;
                    if (used != layer && Array.IndexOf(Chain, used) >= rank) wrong.Add(file + " (" + layer + ") uses " + used);
                }
            }
            Assert.Empty(wrong);
        }

        [Fact]
        public void Lower_layers_use_no_type_of_the_root_but_the_public_vocabulary_and_that_vocabulary_uses_no_layer()
        {
            var sources = Sources().ToList();
            var rootTypes = new HashSet<string>();
            foreach (var (file, ns, code) in sources.Where(s => s.ns == "PSPeerChat"))
            {
                foreach (Match m in Regex.Matches(code, @"\b(?:class|struct|enum|interface)\s+(\w+)")) rootTypes.Add(m.Groups[1].Value);
            }
            Assert.Contains("PeerNode", rootTypes);
            Assert.Contains("LinkTable", rootTypes);
            var forbidden = rootTypes.Where(t => !Vocabulary.Contains(t)).ToArray();

            var wrong = new List<string>();
            foreach (var (file, ns, code) in sources.Where(s => s.ns != "PSPeerChat"))
            {
                string strings = Regex.Replace(code, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""); // nor may strings
                foreach (string type in forbidden)
                {
                    if (Regex.IsMatch(strings, @"(?<![\w.])" + type + @"\b")) wrong.Add(file + " uses " + type);
                }
            }
            foreach (var (file, ns, code) in sources.Where(s => s.ns == "PSPeerChat"))
            {
                bool vocabulary = Regex.Matches(code, @"\b(?:class|struct|enum|interface)\s+(\w+)").Cast<Match>().Any(m => Vocabulary.Contains(m.Groups[1].Value));
                if (vocabulary && Regex.IsMatch(code, @"^using PSPeerChat\.", RegexOptions.Multiline)) wrong.Add(file + " (vocabulary) uses a layer");
            }
            Assert.Empty(wrong);
        }

        [Fact]
        public void No_engine_file_is_over_400_lines()
        {
            var big = Sources().Select(s => (s.file, lines: File.ReadAllLines(Path.Combine(Engine, s.file)).Length)).Where(x => x.lines > 400).Select(x => x.file + " " + x.lines).ToArray();
            Assert.Empty(big);
        }
    }
}
