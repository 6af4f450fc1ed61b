using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace PSPeerChat.Map
{
    /// <summary>
    /// The map as one self-contained HTML page (Show-PeerNetwork -Format Html): an inline SVG, inline CSS, no script,
    /// and a Content-Security-Policy that forbids fetching anything, so opening it reaches no server. Every name on it
    /// came from the network: all text is HTML-escaped.
    /// </summary>
    internal static class HtmlMap
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public static string Write(NetworkMap map, DateTimeOffset madeAt)
        {
            Dictionary<string, (double X, double Y)> at = map.Layout(out double size, out double[] radii);
            PeerNetworkNode asker = map.Asker;
            string title = "PSPeerChat network" + (asker == null ? string.Empty : " seen from " + asker.Name + " (" + asker.ShortId + ")");
            int answered = map.Nodes.Count(n => n.Answered);
            var html = new StringBuilder(4096 + 600 * map.Nodes.Count + 300 * map.Links.Count);
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .Append("<meta name=\"generator\" content=\"PSPeerChat Show-PeerNetwork\">\n")
                .Append("<title>").Append(E(title)).Append("</title>\n<style>\n")
                .Append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:16px;color:#222;background:#fafafa}\n")
                .Append("h1{font-size:20px;margin:0 0 4px}p.summary{margin:0 0 12px;color:#555}\n")
                .Append("svg{background:#fff;border:1px solid #ddd;max-width:100%;height:auto}\n")
                .Append(".ring{fill:none;stroke:#e3e3e3;stroke-dasharray:4 6}.ring-label{fill:#aaa;font-size:12px}\n")
                .Append(".link{stroke-width:2.5;stroke-linecap:round}.link.unconfirmed{stroke-dasharray:6 5}\n")
                .Append(".node circle{stroke:#37474f;stroke-width:2;fill:#90caf9}.node.asker circle{fill:#ffca28;stroke:#e65100;stroke-width:4}\n")
                .Append(".node.silent circle{fill:#eeeeee;stroke:#9e9e9e;stroke-dasharray:3 3}\n")
                .Append(".node text{font-size:12px;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px}.node text.fp{fill:#777;font-size:10px;font-family:monospace}\n")
                .Append(".legend{display:flex;flex-wrap:wrap;gap:14px;margin:10px 0;font-size:13px}.legend span.swatch{display:inline-block;width:22px;height:4px;vertical-align:middle;margin-right:5px}\n")
                .Append("table{border-collapse:collapse;font-size:13px;margin-top:12px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f0f0f0}\n")
                .Append("</style>\n</head>\n<body>\n");
            html.Append("<h1>").Append(E(title)).Append("</h1>\n<p class=\"summary\" id=\"summary\">")
                .Append(map.Nodes.Count).Append(" node(s), ").Append(answered).Append(" answered");
            if (map.Nodes.Count - answered > 0) html.Append(", ").Append(map.Nodes.Count - answered).Append(" did not (grey)");
            html.Append("; ").Append(map.Links.Count).Append(" link(s); ").Append(map.MaxHops).Append(" hop(s) across");
            if (map.Unreached > 0) html.Append("; ").Append(map.Unreached).Append(" node(s) not connected to the asker on this map (outer ring)");
            html.Append(". Made ").Append(E(madeAt.ToString("yyyy-MM-dd HH:mm:ss zzz", Inv))).Append(".</p>\n");

            string sz = N(size);
            html.Append("<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(sz).Append(' ').Append(sz)
                .Append("\" width=\"").Append(sz).Append("\" height=\"").Append(sz).Append("\" role=\"img\" aria-label=\"").Append(E(title)).Append("\">\n<g class=\"rings\">\n");
            for (int r = 1; r < radii.Length; r++)
            {
                bool outer = map.Unreached > 0 && r == radii.Length - 1;
                html.Append("<circle class=\"ring\" cx=\"").Append(N(size / 2)).Append("\" cy=\"").Append(N(size / 2)).Append("\" r=\"").Append(N(radii[r])).Append("\"/>")
                    // On the ring's north-west diagonal, where nodes sit least often (the first node of a ring is at its top).
                    .Append("<text class=\"ring-label\" text-anchor=\"end\" x=\"").Append(N(size / 2 - radii[r] * 0.7071 - 6)).Append("\" y=\"").Append(N(size / 2 - radii[r] * 0.7071 - 6)).Append("\">")
                    .Append(outer ? "not connected" : r + (r == 1 ? " hop" : " hops")).Append("</text>\n");
            }
            html.Append("</g>\n<g class=\"links\">\n");
            foreach (PeerNetworkLink l in map.Links)
            {
                (double X, double Y) a = at[l.FromId], b = at[l.ToId];
                int c = LatencyClass.Of(l.LatencyMs);
                html.Append("<line class=\"link ").Append(LatencyClass.Names[c]).Append(l.Confirmed ? string.Empty : " unconfirmed")
                    .Append("\" data-from=\"").Append(E(l.FromId)).Append("\" data-to=\"").Append(E(l.ToId)).Append("\" stroke=\"").Append(LatencyClass.Colours[c])
                    .Append("\" x1=\"").Append(N(a.X)).Append("\" y1=\"").Append(N(a.Y)).Append("\" x2=\"").Append(N(b.X)).Append("\" y2=\"").Append(N(b.Y)).Append("\"><title>")
                    .Append(E(l.FromName)).Append(" \u2013 ").Append(E(l.ToName)).Append(": ").Append(E(LatencyClass.Format(l.LatencyMs)))
                    .Append(l.Confirmed ? string.Empty : " (reported by one end only)").Append("</title></line>\n");
            }
            html.Append("</g>\n<g class=\"nodes\">\n");
            foreach (PeerNetworkNode n in map.Nodes)
            {
                (double X, double Y) p = at[n.Id];
                string kind = n.IsAsker ? "asker" : n.Answered ? "answered" : "silent";
                html.Append("<g class=\"node ").Append(kind).Append("\" data-id=\"").Append(E(n.Id)).Append("\" data-hops=\"").Append(n.Hops).Append("\">")
                    .Append("<title>").Append(E(n.Name)).Append(" (").Append(E(n.Id)).Append(")\n").Append(Describe(n)).Append("</title>")
                    .Append("<circle cx=\"").Append(N(p.X)).Append("\" cy=\"").Append(N(p.Y)).Append("\" r=\"").Append(n.IsAsker ? "17" : "14").Append("\"/>")
                    .Append("<text class=\"name\" x=\"").Append(N(p.X)).Append("\" y=\"").Append(N(p.Y + 30)).Append("\">").Append(E(Shorten(n.Name))).Append("</text>")
                    .Append("<text class=\"fp\" x=\"").Append(N(p.X)).Append("\" y=\"").Append(N(p.Y + 43)).Append("\">").Append(E(n.ShortId)).Append("</text></g>\n");
            }
            html.Append("</g>\n</svg>\n<div class=\"legend\">");
            for (int c = 0; c < LatencyClass.Names.Length; c++)
            {
                html.Append("<span><span class=\"swatch\" style=\"background:").Append(LatencyClass.Colours[c]).Append("\"></span>").Append(LatencyClass.Labels[c]).Append("</span>");
            }
            html.Append("<span>dashed link: reported by one end only</span><span>yellow: the asking node; grey: did not answer</span></div>\n");
            html.Append("<table id=\"nodes\"><thead><tr><th>Name</th><th>Fingerprint</th><th>Hops</th><th>Links</th><th>Answered</th></tr></thead><tbody>\n");
            foreach (PeerNetworkNode n in map.Nodes)
            {
                html.Append("<tr><td>").Append(E(n.Name)).Append("</td><td>").Append(E(n.ShortId)).Append("</td><td>").Append(n.Hops < 0 ? "-" : n.Hops.ToString(Inv))
                    .Append("</td><td>").Append(n.LinkCount).Append("</td><td>").Append(n.IsAsker ? "asker" : n.Answered ? "yes" : "no").Append("</td></tr>\n");
            }
            html.Append("</tbody></table>\n</body>\n</html>\n");
            return html.ToString();
        }

        private static string Describe(PeerNetworkNode n)
        {
            string where = n.Hops < 0 ? "not connected to the asker on this map" : n.Hops == 0 ? "the asking node" : n.Hops + (n.Hops == 1 ? " hop away" : " hops away");
            return where + ", " + n.LinkCount + " link(s)" + (n.Answered || n.IsAsker ? string.Empty : ", did not answer");
        }

        private static string Shorten(string name)
        {
            if (name == null || name.Length <= 24) return name ?? string.Empty;
            int cut = char.IsHighSurrogate(name[22]) ? 22 : 23; // never half a surrogate pair
            return name.Substring(0, cut) + "\u2026";
        }

        private static string N(double value) => value.ToString("0.#", Inv);

        /// <summary>HTML-escapes text from the network (names, ids): nothing in it can open a tag or leave an attribute.</summary>
        private static string E(string text) => WebUtility.HtmlEncode(text ?? string.Empty).Replace("'", "&#39;");
    }
}
