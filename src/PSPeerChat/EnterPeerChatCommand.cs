using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Enter-PeerChat: the article's interactive chat. Lines typed are broadcast; incoming messages print above the
    /// line being typed. Commands: connect/peers/exit/quit (the article's) and /connect, /peers, /nodes, /help, /quit.
    /// Everything is written from the pipeline thread; network events only queue notices.
    /// </summary>
    [Cmdlet(VerbsCommon.Enter, "PeerChat")]
    [OutputType(typeof(void))]
    public sealed partial class EnterPeerChatCommand : PeerCmdlet
    {
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(25);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        // Join/leave notices with the time they happened, so they print in order with the messages around them.
        private readonly ConcurrentQueue<KeyValuePair<DateTimeOffset, string>> _notices = new ConcurrentQueue<KeyValuePair<DateTimeOffset, string>>();
        private ConsoleLineEditor _editor;
        private BlockingCollection<string> _redirectedLines;

        [Parameter(Position = 0, ValueFromPipeline = true)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        protected override void ProcessRecord()
        {
            PeerNode node = ResolveNode(Node);
            bool interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            if (interactive) _editor = new ConsoleLineEditor { Completer = (string typed, out IReadOnlyList<string> listing) => ChatMention.Complete(typed, node.GetDirectory(), out listing) };
            else StartLineReader();

            EventHandler<PeerEventArgs> joined = (s, e) => Notice(e.Peer.ConnectedAt, "*** " + Describe(e.Peer) + " joined (" + e.Peer.Direction.ToString().ToLowerInvariant() + ", " + e.Peer.Protocol + ")");
            EventHandler<PeerEventArgs> left = (s, e) => Notice(DateTimeOffset.Now, "*** " + Describe(e.Peer) + " left (" + e.Peer.CloseReason + (string.IsNullOrEmpty(e.Peer.CloseDetail) ? "" : ": " + e.Peer.CloseDetail) + ")");
            node.PeerConnected += joined;
            node.PeerDisconnected += left;
            try
            {
                Print("PSPeerChat: node " + node.Name + " (" + node.ShortId + ") listening at " + node.Endpoint + ", " + node.PeerCount + " peer(s).");
                Print("Type a message and press Enter to send it to everyone. /help lists the commands; exit or quit leaves.");
                PrintCurrentChannel(node);
                _editor?.Redraw();
                Loop(node);
            }
            finally
            {
                node.PeerConnected -= joined;
                node.PeerDisconnected -= left;
                if (_editor != null) Console.WriteLine();
            }
        }

        protected override void StopProcessing() => _stop.Cancel();

        private void Loop(PeerNode node)
        {
            var batch = new List<PeerMessage>();
            while (!_stop.IsCancellationRequested)
            {
                batch.Clear();
                node.Receive(batch, 256);
                PrintInOrder(batch);

                if (node.State != PeerNodeState.Running)
                {
                    Print("*** The node " + node.Name + " stopped.");
                    return;
                }

                string line = NextLine(out bool endOfInput);
                if (line != null && !Handle(node, line.Trim())) return;
                if (endOfInput) return;
                if (line == null && batch.Count == 0) _stop.Token.WaitHandle.WaitOne(Tick);
            }
        }

        /// <summary>Runs one typed line; false when the user leaves.</summary>
        private bool Handle(PeerNode node, string line)
        {
            if (line.Length == 0) return true;
            if (ChatMention.TryParse(line, out string recipient, out string mentionText))
            {
                SendDirect(node, recipient, mentionText); // never broadcast, whatever the name
                return true;
            }
            string[] words = line.Split(new[] { ' ' }, 2, StringSplitOptions.RemoveEmptyEntries);
            string command = words[0].ToLowerInvariant();
            string argument = words.Length > 1 ? words[1].Trim() : string.Empty;
            if (HandleChannelCommand(node, command, argument)) return true;
            switch (command)
            {
                case "exit":
                case "quit":
                case "/exit":
                case "/quit":
                    if (words.Length == 1) return false;
                    break;
                case "connect":
                case "/connect":
                    if (argument.Length == 0)
                    {
                        Print("Usage: /connect <host:port>, for example /connect [::]:55555");
                        return true;
                    }
                    StartConnect(node, argument);
                    return true;
                case "peers":
                case "/peers":
                    if (words.Length > 1) break;
                    ShowPeers(node);
                    return true;
                case "/msg":
                    string[] parts = argument.Split(new[] { ' ' }, 2, StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 2)
                    {
                        Print("Usage: /msg <name or id> <text>   (end-to-end encrypted; /who lists the names)");
                        return true;
                    }
                    SendDirect(node, parts[0], parts[1]);
                    return true;
                case "/who":
                    PeerDirectoryEntry[] known = node.GetDirectory();
                    if (known.Length == 0) Print("No other node has announced itself yet.");
                    foreach (PeerDirectoryEntry e in known) Print("  " + e.Name + " (" + e.ShortId + ")  " + e.Hops + " hop(s), seen " + e.LastSeen.ToString("HH:mm:ss") + ", id " + e.Id);
                    return true;
                case "/nodes":
                    foreach (PeerNode n in NodeRegistry.All) Print("  " + n.Name + " (" + n.ShortId + ") " + n.Endpoint + ", " + n.PeerCount + " peer(s)" + (n == node ? "  <- this chat" : ""));
                    return true;
                case "/help":
                    Print("Type text and press Enter to send it to every node.");
                    Print("  /connect <host:port>   link to another node (also: connect <host:port>)");
                    Print("  /peers                 list the links of this node (also: peers)");
                    Print("  @<name> <text>         send an end-to-end encrypted message to one node (Tab completes the name)");
                    Print("  /msg <name> <text>     the same (@\"<name>\" for a name with spaces, @<fingerprint> when names clash)");
                    Print("  /who                   list the nodes this node has heard of (names and fingerprints)");
                    Print("  /nodes                 list the nodes of this session");
                    PrintChannelHelp();
                    Print("  /quit                  leave the chat (also: exit, quit); the node keeps running");
                    return true;
            }
            if (command.StartsWith("/", StringComparison.Ordinal))
            {
                Print("Unknown command " + command + ". /help lists the commands.");
                return true;
            }

            try
            {
                PeerMessage sent = node.Broadcast(line, _channel);
                Print(Format(sent) + (node.PeerCount == 0 ? "   (no peers: nobody received it)" : ""));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is TimeoutException)
            {
                Print("*** Not sent: " + MessageOf(ex));
            }
            return true;
        }

        /// <summary>/msg and @name: an end-to-end encrypted message to one node; an unknown name lists the nodes perhaps meant.</summary>
        private void SendDirect(PeerNode node, string recipient, string text)
        {
            if (recipient.Length == 0 || text.Length == 0)
            {
                Print("Usage: @<name> <text>, or @\"<name with spaces>\" <text>   (end-to-end encrypted to that node only; Tab completes names, /who lists them)");
                return;
            }
            try
            {
                Print(Format(node.SendDirect(recipient, text)));
            }
            catch (AmbiguousRecipientException ex)
            {
                Print("*** " + MessageOf(ex));
            }
            catch (ArgumentException ex) when (ex.ParamName == "recipient" && !Knows(node, recipient))
            {
                Print("*** " + ChatMention.DescribeUnknown(recipient, node.Name, node.GetDirectory()));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is TimeoutException)
            {
                Print("*** Not sent: " + MessageOf(ex));
            }
        }

        private static bool Knows(PeerNode node, string recipient) => node.GetDirectory().Any(e => string.Equals(e.Name, recipient, StringComparison.OrdinalIgnoreCase) || e.Id.StartsWith(recipient, StringComparison.OrdinalIgnoreCase));

        private void Notice(DateTimeOffset at, string text) => _notices.Enqueue(new KeyValuePair<DateTimeOffset, string>(at, text));

        private void Notice(string text) => Notice(DateTimeOffset.Now, text);

        /// <summary>Messages and notices that came in since the last tick, oldest first.</summary>
        private void PrintInOrder(List<PeerMessage> messages)
        {
            var lines = new List<KeyValuePair<DateTimeOffset, string>>(messages.Count);
            while (_notices.TryDequeue(out KeyValuePair<DateTimeOffset, string> notice)) lines.Add(notice);
            foreach (PeerMessage message in messages) lines.Add(new KeyValuePair<DateTimeOffset, string>(message.ReceivedAt, Format(message)));
            foreach (KeyValuePair<DateTimeOffset, string> line in lines.OrderBy(l => l.Key)) Print(line.Value); // a stable sort
        }

        private void StartConnect(PeerNode node, string address)
        {
            Print("Connecting to " + address + " ...");
            node.ConnectAsync(address, PeerProtocol.PeerChat, TimeSpan.FromSeconds(10), _stop.Token).ContinueWith(t =>
            {
                if (t.IsCanceled) return;
                if (t.IsFaulted) Notice("*** " + MessageOf(t.Exception.GetBaseException()));
                else Notice("*** Connected to " + Describe(t.Result) + " at " + t.Result.Address);
            }, System.Threading.Tasks.TaskScheduler.Default);
        }

        private void ShowPeers(PeerNode node)
        {
            Peer[] peers = node.GetPeers();
            if (peers.Length == 0)
            {
                Print("No peers. Connect with /connect <host:port>.");
                return;
            }
            foreach (Peer p in peers)
            {
                Print("  " + Describe(p) + "  " + p.Address + "  " + p.Direction + " " + p.Protocol + "  since " + p.ConnectedAt.ToString("HH:mm:ss") + "  in " + p.MessagesReceived + " out " + p.MessagesSent);
            }
        }

        private static string Describe(Peer peer)
        {
            return peer.Protocol == PeerProtocol.Text ? "text peer " + peer.Address : peer.Name + " (" + peer.Id.Substring(0, Math.Min(8, peer.Id.Length)) + ")";
        }

        private static string Format(PeerMessage message)
        {
            string who = message.Protocol == PeerProtocol.Text ? message.FromName + " (text)" : message.FromName + " (" + message.FromShortId + ")";
            string direct = !message.IsDirect ? string.Empty : message.Hops == 0 ? "[to " + message.To.Substring(0, 8) + "] " : "[direct] ";
            // A message caught up after a time away shows when it was sent, and says so (protocol.md §3.14).
            string time = (message.CaughtUp ? message.SentAt : message.ReceivedAt).ToString("HH:mm:ss");
            string caught = message.CaughtUp ? "[caught up] " : string.Empty;
            return "[" + time + "] " + caught + ChannelPrefix(message) + direct + Clean(who) + ": " + Clean(message.IsObject ? DataLine.Render(message.Data) : message.Text);
        }

        // A remote text must not drive the terminal (escape sequences, bells, carriage returns).
        private static string Clean(string text)
        {
            if (!text.Any(char.IsControl)) return text;
            var sb = new StringBuilder(text.Length);
            foreach (char c in text) sb.Append(c == '\n' ? ' ' : char.IsControl(c) ? '?' : c);
            return sb.ToString();
        }

        private void Print(string text)
        {
            if (_editor != null) _editor.PrintAbove(text);
            else Host.UI.WriteLine(text);
        }

        private string NextLine(out bool endOfInput)
        {
            endOfInput = false;
            if (_editor != null) return _editor.ReadAvailable();
            if (_redirectedLines.TryTake(out string line)) return line;
            endOfInput = _redirectedLines.IsCompleted;
            return null;
        }

        /// <summary>For redirected input: one background thread reads lines, the pipeline thread takes them.</summary>
        private void StartLineReader()
        {
            _redirectedLines = new BlockingCollection<string>(new ConcurrentQueue<string>(), 1000);
            var reader = new Thread(() =>
            {
                try
                {
                    string line;
                    while ((line = Console.In.ReadLine()) != null) _redirectedLines.Add(line);
                }
                catch (Exception)
                {
                    // input closed
                }
                finally
                {
                    _redirectedLines.CompleteAdding();
                }
            })
            {
                IsBackground = true,
                Name = "PSPeerChat chat input",
            };
            reader.Start();
        }
    }
}
