using System;
using System.Linq;
using System.Text.RegularExpressions;
using PSPeerChat.Map;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Show-PeerNetwork's writers: the merged map, and pages and texts in which names from the network stay text.</summary>
    public class NetworkMapRenderTests
    {
        private static string Id(int i) => i.ToString("x32");

        private static PeerNetworkNode Node(int i, string name, bool answered = true, bool asker = false) => new PeerNetworkNode { Id = Id(i), Name = name, Answered = answered, IsAsker = asker };

        private static PeerNetworkLink Link(int a, int b, double? ms = 1) => new PeerNetworkLink { FromId = Id(a), FromName = "n" + a, ToId = Id(b), ToName = "n" + b, LatencyMs = ms };

        [Fact]
        public void Build_merges_both_ends_reports_adds_silent_ends_and_measures_distances()
        {
            NetworkMap map = NetworkMap.Build(
                new[] { Node(0, "a", asker: true), Node(1, "b"), Node(1, "b-again", answered: false), Node(2, "c") },
                new[] { Link(0, 1, 5), Link(1, 0, 3), Link(1, 2, null), Link(2, 3, 250), Link(4, 5) });

            Assert.Equal(6, map.Nodes.Count);
            Assert.Equal(4, map.Links.Count);
            PeerNetworkLink ab = map.Links.Single(l => new[] { l.FromId, l.ToId }.OrderBy(x => x).SequenceEqual(new[] { Id(0), Id(1) }));
            Assert.True(ab.Confirmed);
            Assert.Equal(3, ab.LatencyMs);
            Assert.Equal("b", map.Nodes.Single(n => n.Id == Id(1)).Name); // the answered entry wins
            Assert.Equal(new[] { 0, 1, 2, 3, -1, -1 }, Enumerable.Range(0, 6).Select(i => map.Nodes.Single(n => n.Id == Id(i)).Hops));
            Assert.False(map.Nodes.Single(n => n.Id == Id(3)).Answered);
            Assert.Equal(2, map.Unreached);
        }

        [Fact]
        public void The_html_page_is_self_contained_draws_every_node_and_link_and_keeps_hostile_names_as_text()
        {
            string evil = "<script>alert(1)</script>\"' onload=x";
            NetworkMap map = NetworkMap.Build(new[] { Node(0, "asker", asker: true), Node(1, evil), Node(2, "c", answered: false) }, new[] { Link(0, 1, 4), Link(1, 2, 120), Link(0, 2, null) });

            string html = HtmlMap.Write(map, DateTimeOffset.UnixEpoch);

            Assert.Equal(3, Regex.Matches(html, "<g class=\"node ").Count);
            Assert.Equal(3, Regex.Matches(html, "<line class=\"link ").Count);
            Assert.Contains("class=\"node asker\"", html);
            Assert.Contains("class=\"node silent\"", html);
            Assert.DoesNotContain("<script", html);
            Assert.DoesNotContain("onload=x\"", html);
            Assert.Contains("&lt;script&gt;", html);
            Assert.Contains("Content-Security-Policy", html);
            // Nothing to fetch: the only URL is the SVG namespace, which is a name, not a request.
            Assert.Equal(new[] { "http://www.w3.org/2000/svg" }, Regex.Matches(html, "https?://[^\"' )]+").Select(m => m.Value).Distinct());
            Assert.Contains("stroke=\"" + LatencyClass.Colours[0] + "\"", html); // 4 ms: fast
            Assert.Contains("stroke=\"" + LatencyClass.Colours[2] + "\"", html); // 120 ms: slow
        }

        [Fact]
        public void Dot_and_mermaid_escape_names_and_carry_every_link()
        {
            NetworkMap map = NetworkMap.Build(new[] { Node(0, "a\"b\\c", asker: true), Node(1, "x]\"|<y>#") }, new[] { Link(0, 1, 12), Link(1, 0, 15) }); // both ends: a confirmed link, drawn solid

            string dot = TextMap.Dot(map);
            Assert.StartsWith("graph \"pspeerchat\" {", dot);
            Assert.Contains("label=\"a\\\"b\\\\c\\n", dot);
            Assert.Contains("\"" + Id(0) + "\" -- \"" + Id(1) + "\"", dot);

            string mermaid = TextMap.Mermaid(map);
            Assert.Contains("graph LR", mermaid);
            Assert.Contains("n1[\"x]#quot;#124;#lt;y#gt;#35;<br/>", mermaid);
            Assert.Contains("n0 ---|\"12 ms\"| n1", mermaid);
            Assert.Contains("class n0 asker", mermaid);
        }
    }
}
