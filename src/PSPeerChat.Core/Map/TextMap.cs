using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace PSPeerChat.Map
{
    /// <summary>
    /// The map as text for people who keep diagrams as text (Show-PeerNetwork -Format Dot or Mermaid): Graphviz's DOT
    /// language and a Mermaid flowchart. Names come from the network and are escaped for each language.
    /// </summary>
    internal static class TextMap
    {
        public static string Dot(NetworkMap map)
        {
            var dot = new StringBuilder();
            dot.Append("graph \"pspeerchat\" {\n")
                .Append("  graph [overlap=false, splines=true, label=\"").Append(DotEscape(Caption(map))).Append("\"];\n")
                .Append("  node [shape=ellipse, style=filled, fillcolor=\"#90caf9\", fontname=\"sans-serif\"];\n")
                .Append("  edge [penwidth=2];\n");
            foreach (PeerNetworkNode n in map.Nodes)
            {
                dot.Append("  \"").Append(DotEscape(n.Id)).Append("\" [label=\"").Append(DotEscape(n.Name)).Append("\\n").Append(DotEscape(n.ShortId)).Append('"');
                if (n.IsAsker) dot.Append(", fillcolor=\"#ffca28\", penwidth=3");
                else if (!n.Answered) dot.Append(", fillcolor=\"#eeeeee\", style=\"filled,dashed\"");
                dot.Append(", tooltip=\"").Append(n.Hops < 0 ? "not connected" : n.Hops + " hop(s)").Append("\"];\n");
            }
            foreach (PeerNetworkLink l in map.Links)
            {
                int c = LatencyClass.Of(l.LatencyMs);
                dot.Append("  \"").Append(DotEscape(l.FromId)).Append("\" -- \"").Append(DotEscape(l.ToId)).Append("\" [color=\"").Append(LatencyClass.Colours[c])
                    .Append("\", label=\"").Append(l.LatencyMs.HasValue ? LatencyClass.Format(l.LatencyMs) : string.Empty).Append('"')
                    .Append(l.Confirmed ? string.Empty : ", style=dashed").Append("];\n");
            }
            dot.Append("}\n");
            return dot.ToString();
        }

        public static string Mermaid(NetworkMap map)
        {
            var ids = new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < map.Nodes.Count; i++) ids[map.Nodes[i].Id] = "n" + i; // Mermaid ids: plain words
            var text = new StringBuilder();
            text.Append("%% ").Append(Flat(Caption(map))).Append('\n').Append("graph LR\n");
            foreach (PeerNetworkNode n in map.Nodes)
            {
                text.Append("  ").Append(ids[n.Id]).Append("[\"").Append(MermaidEscape(n.Name)).Append("<br/>").Append(MermaidEscape(n.ShortId)).Append("\"]\n");
            }
            var styles = new List<string>();
            for (int i = 0; i < map.Links.Count; i++)
            {
                PeerNetworkLink l = map.Links[i];
                text.Append("  ").Append(ids[l.FromId]).Append(l.Confirmed ? " ---" : " -.-");
                if (l.LatencyMs.HasValue) text.Append("|\"").Append(LatencyClass.Format(l.LatencyMs)).Append("\"|");
                text.Append(' ').Append(ids[l.ToId]).Append('\n');
                styles.Add("  linkStyle " + i + " stroke:" + LatencyClass.Colours[LatencyClass.Of(l.LatencyMs)] + ",stroke-width:2px");
            }
            foreach (string s in styles) text.Append(s).Append('\n');
            text.Append("  classDef asker fill:#ffca28,stroke:#e65100,stroke-width:3px\n  classDef silent fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray:3 3\n");
            string[] silent = map.Nodes.Where(n => !n.Answered && !n.IsAsker).Select(n => ids[n.Id]).ToArray();
            if (map.Asker != null) text.Append("  class ").Append(ids[map.Asker.Id]).Append(" asker\n");
            if (silent.Length > 0) text.Append("  class ").Append(string.Join(",", silent)).Append(" silent\n");
            return text.ToString();
        }

        private static string Caption(NetworkMap map)
        {
            PeerNetworkNode asker = map.Asker;
            return "PSPeerChat network" + (asker == null ? string.Empty : " seen from " + asker.Name + " (" + asker.ShortId + ")") + ": " + map.Nodes.Count + " nodes, " + map.Links.Count + " links";
        }

        private static string Flat(string text) => new string((text ?? string.Empty).Where(c => !char.IsControl(c)).ToArray());

        /// <summary>Inside a DOT string: backslash and quote escaped, line breaks and other control characters dropped.</summary>
        private static string DotEscape(string text)
        {
            var sb = new StringBuilder((text ?? string.Empty).Length);
            foreach (char c in text ?? string.Empty)
            {
                if (c == '\\' || c == '"') sb.Append('\\').Append(c);
                else if (!char.IsControl(c)) sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary>Inside a Mermaid label: quotes, brackets and markup as Mermaid's entity codes, control characters dropped.</summary>
        private static string MermaidEscape(string text)
        {
            var sb = new StringBuilder((text ?? string.Empty).Length);
            foreach (char c in text ?? string.Empty)
            {
                switch (c)
                {
                    case '"': sb.Append("#quot;"); break;
                    case '<': sb.Append("#lt;"); break;
                    case '>': sb.Append("#gt;"); break;
                    case '#': sb.Append("#35;"); break;
                    case '&': sb.Append("#amp;"); break;
                    case '|': sb.Append("#124;"); break;
                    case '`': sb.Append("#96;"); break;
                    default:
                        if (!char.IsControl(c)) sb.Append(c);
                        break;
                }
            }
            return sb.ToString();
        }
    }
}
