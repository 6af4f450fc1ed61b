using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSPeerChat.Commands
{
    /// <summary>Completes -Node with the names of this session's running nodes.</summary>
    public sealed class NodeNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return NodeRegistry.All
                .Where(n => n.State == PeerNodeState.Running && pattern.IsMatch(n.Name))
                .Select(n => new CompletionResult(Quote(n.Name), n.Name, CompletionResultType.ParameterValue, n.Name + " (" + n.ShortId + ") " + n.Endpoint));
        }

        internal static string Quote(string text) => text.Any(c => char.IsWhiteSpace(c) || "'\"$`(){};,|&@#<>".IndexOf(c) >= 0) ? "'" + text.Replace("'", "''") + "'" : text;
    }
}
