using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSPeerChat.Commands
{
    /// <summary>Completes -Channel and -Name with the channels joined by the node given by -Node (or the default node).</summary>
    public sealed class ChannelCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            PeerNode node = PeerIdCompleter.NodeFrom(fakeBoundParameters);
            if (node == null) return Enumerable.Empty<CompletionResult>();
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"').TrimStart('#');
            var pattern = new WildcardPattern(WildcardPattern.Escape(typed) + "*", WildcardOptions.IgnoreCase);
            return node.GetChannels()
                .Where(c => pattern.IsMatch(c.Name))
                .Select(c => new CompletionResult(c.Name, "#" + c.Name, CompletionResultType.ParameterValue, "#" + c.Name + (c.Private ? " (private)" : string.Empty) + " on " + c.Node));
        }
    }
}
