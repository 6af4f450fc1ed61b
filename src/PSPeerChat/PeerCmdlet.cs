using System;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Shared by the cmdlets: finding the node to act on, and error records with stable ids.</summary>
    public abstract class PeerCmdlet : PSCmdlet
    {
        /// <summary>The node given with -Node, else the session's default node; a terminating error when there is none.</summary>
        protected PeerNode ResolveNode(PeerNode given)
        {
            PeerNode node = given ?? NodeRegistry.Default;
            if (node == null)
            {
                ThrowTerminatingError(Error(new PSInvalidOperationException("No PeerChat node is running in this session. Start one with Start-PeerNode."), "NoNode", ErrorCategory.ObjectNotFound, null));
            }
            if (node.State != PeerNodeState.Running)
            {
                ThrowTerminatingError(Error(new PSInvalidOperationException("The node " + node.Name + " is stopped. Start a new one with Start-PeerNode."), "NodeStopped", ErrorCategory.InvalidOperation, node));
            }
            return node;
        }

        /// <summary>
        /// Channel patterns as the engine reads them (<see cref="Protocol.ChannelPattern"/>, the same rules as
        /// Start-PeerNode -Channel); a terminating InvalidChannelPattern error for one that does not parse.
        /// </summary>
        protected Protocol.ChannelPattern[] ParseChannelPatterns(string[] typed)
        {
            var patterns = new Protocol.ChannelPattern[typed.Length];
            for (int i = 0; i < typed.Length; i++)
            {
                try
                {
                    patterns[i] = Protocol.ChannelPattern.Parse(typed[i]);
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(Error(new PSArgumentException(MessageOf(ex) + " Patterns use * ? and [set], as in 'ops*' or 'team-[ab]'.", ex), "InvalidChannelPattern", ErrorCategory.InvalidArgument, typed[i]));
                }
            }
            return patterns;
        }

        /// <summary>An exception's message without the "(Parameter 'x')" tail .NET adds to argument errors: users did not name that parameter.</summary>
        internal static string MessageOf(Exception exception)
        {
            string message = exception.Message;
            if (exception is ArgumentException argument && !string.IsNullOrEmpty(argument.ParamName))
            {
                message = message.Replace(" (Parameter '" + argument.ParamName + "')", string.Empty)
                                 .Replace(Environment.NewLine + "Parameter name: " + argument.ParamName, string.Empty);
            }
            return message;
        }

        protected static ErrorRecord Error(Exception exception, string id, ErrorCategory category, object target)
        {
            return new ErrorRecord(exception, id, category, target);
        }
    }
}
