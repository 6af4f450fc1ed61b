using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSPeerChat.Commands
{
    /// <summary>Completes -Id with the peers connected to the node named by -Node (or the default node).</summary>
    public sealed class PeerIdCompleter : IArgumentCompleter
    {
        /// <summary>The node named by the -Node typed so far, else the session's default node.</summary>
        internal static PeerNode NodeFrom(IDictionary fakeBoundParameters)
        {
            object bound = fakeBoundParameters?["Node"];
            if (bound is PSObject pso) bound = pso.BaseObject;
            if (bound is PeerNode n) return n;
            if (bound is string name) return NodeRegistry.Find(name) ?? NodeRegistry.Default;
            return NodeRegistry.Default;
        }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            PeerNode node = NodeFrom(fakeBoundParameters);
            if (node == null) return Enumerable.Empty<CompletionResult>();

            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return node.GetPeers()
                .Where(p => pattern.IsMatch(p.Id) || pattern.IsMatch(p.Name))
                .Select(p => new CompletionResult(NodeNameCompleter.Quote(WildcardPattern.Escape(p.Id)), p.Name + " " + p.Id.Substring(0, System.Math.Min(8, p.Id.Length)), CompletionResultType.ParameterValue, p.Name + " " + p.Address + " " + p.Direction));
        }
    }
}
