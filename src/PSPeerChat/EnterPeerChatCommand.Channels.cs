using System;
using System.Linq;
using PSPeerChat.Protocol;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Enter-PeerChat's channel commands (protocol.md §3.12): /join #name [passphrase] joins at node level and makes the
    /// channel current, /part leaves it (back to the lobby), /channels lists. Plain lines go to the current channel;
    /// messages outside the lobby print with their '#name'.
    /// </summary>
    public sealed partial class EnterPeerChatCommand
    {
        private string _channel = ChannelName.Lobby;

        /// <summary>True when <paramref name="command"/> was a channel command (it is handled then).</summary>
        private bool HandleChannelCommand(PeerNode node, string command, string argument)
        {
            switch (command)
            {
                case "/join":
                    Join(node, argument);
                    return true;
                case "/part":
                    Part(node, argument);
                    return true;
                case "/channels":
                    ListChannels(node);
                    return true;
                default:
                    return false;
            }
        }

        private void Join(PeerNode node, string argument)
        {
            string[] parts = argument.Split(new[] { ' ' }, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                Print("Usage: /join #name [passphrase]   (with a passphrase the channel is private; /help says what that protects)");
                return;
            }
            string passphrase = parts.Length > 1 ? parts[1].Trim() : null;
            try
            {
                // Never print the passphrase: only the channel and whether it is private.
                if (passphrase != null) Print("*** Deriving the key of " + ChannelName.Display(ChannelName.Normalize(parts[0])) + " (Argon2id, about a second) ...");
                PeerChannel joined = node.JoinChannel(parts[0], passphrase);
                SetChannel(joined.Name);
                Print("*** Joined #" + joined.Name + (joined.Private
                    ? " (private: texts are sealed with the passphrase's key; relays and non-members cannot read them, but see who sends, when and how much)"
                    : " (public: every node can read it)") + ". Lines you type now go to #" + joined.Name + "; /part leaves.");
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException)
            {
                Print("*** Not joined: " + MessageOf(ex));
            }
        }

        private void Part(PeerNode node, string argument)
        {
            string name = argument.Length > 0 ? ChannelName.Normalize(argument) : _channel;
            if (name.Length == 0)
            {
                Print("*** You are in the lobby; there is nothing to leave. /join #name joins a channel.");
                return;
            }
            try
            {
                bool left = node.LeaveChannel(name);
                if (ChannelName.Comparer.Equals(name, _channel)) SetChannel(ChannelName.Lobby);
                Print(left ? "*** Left #" + name + "; lines you type now go to " + Current() + "." : "*** Not in #" + name + ". /channels lists the channels joined.");
            }
            catch (ArgumentException ex)
            {
                Print("*** " + MessageOf(ex));
            }
        }

        private void ListChannels(PeerNode node)
        {
            PeerChannel[] channels = node.GetChannels();
            Print("  lobby" + (_channel.Length == 0 ? "  <- current" : string.Empty));
            foreach (PeerChannel c in channels)
            {
                Print("  #" + c.Name + (c.Private ? " (private)" : string.Empty) + "  joined " + c.JoinedAt.ToString("HH:mm:ss") + (ChannelName.Comparer.Equals(c.Name, _channel) ? "  <- current" : string.Empty));
            }
            string[] patterns = node.ChannelPatterns;
            if (patterns.Length > 0) Print("  also shown: channels matching " + string.Join(", ", patterns.Select(p => "'" + p + "'")));
        }

        private void PrintCurrentChannel(PeerNode node)
        {
            if (node.GetChannels().Length > 0 || _channel.Length > 0) Print("Current channel: " + Current() + ". /channels lists the channels joined.");
        }

        private void PrintChannelHelp()
        {
            Print("  /join #name [pass]     join a channel and make it current; with a passphrase it is private");
            Print("  /part                  leave the current channel, back to the lobby");
            Print("  /channels              list the channels joined (the lobby is always shown)");
            Print("  A passphrase hides the text from relays and non-members. It does not hide who sends, the channel");
            Print("  name, when, or how long; whoever knows or guesses it reads every message, past and future.");
        }

        /// <summary>Makes <paramref name="channel"/> current; the interactive prompt shows it ("#ops> ").</summary>
        private void SetChannel(string channel)
        {
            _channel = channel;
            if (_editor == null) return;
            _editor.Prompt = channel.Length == 0 ? "> " : "#" + channel + "> ";
            _editor.Redraw();
        }

        private string Current() => _channel.Length == 0 ? "the lobby" : "#" + _channel;

        private static string ChannelPrefix(PeerMessage message) => string.IsNullOrEmpty(message.Channel) ? string.Empty : "#" + Clean(message.Channel) + " ";
    }
}
