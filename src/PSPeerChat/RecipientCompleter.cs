using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSPeerChat.Commands
{
    /// <summary>Completes -To with the names and ids of the directory of the node given by -Node (or the default node).</summary>
    public sealed class RecipientCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            PeerNode node = PeerIdCompleter.NodeFrom(fakeBoundParameters);
            if (node == null) return Enumerable.Empty<CompletionResult>();
            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            PeerDirectoryEntry[] entries = node.GetDirectory();
            var results = new List<CompletionResult>();
            foreach (PeerDirectoryEntry e in entries.Where(e => e.CanReceiveDirect))
            {
                // A name that two nodes share completes to the id: names are not unique, ids are.
                bool unique = entries.Count(x => string.Equals(x.Name, e.Name, System.StringComparison.OrdinalIgnoreCase)) == 1;
                string tooltip = e.Name + " (" + e.ShortId + "), " + e.Hops + " hop(s)";
                if (unique && pattern.IsMatch(e.Name)) results.Add(new CompletionResult(NodeNameCompleter.Quote(e.Name), e.Name + " (" + e.ShortId + ")", CompletionResultType.ParameterValue, tooltip));
                else if (pattern.IsMatch(e.Id) || pattern.IsMatch(e.Name)) results.Add(new CompletionResult(e.Id, e.Name + " (" + e.ShortId + ")", CompletionResultType.ParameterValue, tooltip));
            }
            return results;
        }
    }
}
