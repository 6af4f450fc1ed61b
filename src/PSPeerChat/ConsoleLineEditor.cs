using System;
using System.Text;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// The line being typed in Enter-PeerChat. Output printed while the user types goes above it: the input line
    /// is wiped, the output written, and the prompt with what was typed so far drawn again.
    /// </summary>
    internal sealed class ConsoleLineEditor
    {
        private const string Prompt = "> ";
        private readonly StringBuilder _line = new StringBuilder();

        /// <summary>Reads the keys that are waiting; returns a finished line, or null while the user is still typing.</summary>
        public string ReadAvailable()
        {
            while (Console.KeyAvailable)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        string line = _line.ToString();
                        _line.Clear();
                        Console.Write("\r\u001b[K");
                        return line;
                    case ConsoleKey.Backspace:
                        if (_line.Length > 0)
                        {
                            _line.Length--;
                            Console.Write("\b \b");
                        }
                        break;
                    case ConsoleKey.Escape:
                        _line.Clear();
                        Redraw();
                        break;
                    default:
                        if (key.KeyChar != '\0' && !char.IsControl(key.KeyChar))
                        {
                            _line.Append(key.KeyChar);
                            Console.Write(key.KeyChar);
                        }
                        break;
                }
            }
            return null;
        }

        /// <summary>Prints a line above the input line without garbling it.</summary>
        public void PrintAbove(string text)
        {
            Console.Write("\r\u001b[K");
            Console.WriteLine(text);
            Redraw();
        }

        public void Redraw()
        {
            Console.Write("\r\u001b[K" + Prompt + _line);
        }
    }
}
