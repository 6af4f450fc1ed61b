using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// The line being typed in Enter-PeerChat. Output printed while the user types goes above it: the input line
    /// is wiped, the output written, and the prompt with what was typed so far drawn again. The input always fits
    /// on one screen row (a long line scrolls sideways), so wiping it never leaves pieces of wrapped rows behind.
    /// </summary>
    internal sealed class ConsoleLineEditor
    {
        /// <summary>What is drawn before the typed text: "> ", or "#channel> " while a channel is current.</summary>
        public string Prompt { get; set; } = "> ";
        private readonly StringBuilder _line = new StringBuilder();

        /// <summary>What Tab does with the typed line: a completed line (null: unchanged) and lines to list above it.</summary>
        public delegate string LineCompleter(string line, out IReadOnlyList<string> listing);

        /// <summary>Called on Tab; null: Tab does nothing.</summary>
        public LineCompleter Completer { get; set; }

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
                        RemoveLastCharacter();
                        Redraw();
                        break;
                    case ConsoleKey.Tab:
                        Complete();
                        break;
                    case ConsoleKey.Escape:
                        _line.Clear();
                        Redraw();
                        break;
                    default:
                        if (key.KeyChar != '\0' && !char.IsControl(key.KeyChar))
                        {
                            _line.Append(key.KeyChar);
                            // Half of a surrogate pair has no width yet: draw once the pair is complete.
                            if (!char.IsHighSurrogate(key.KeyChar)) Redraw();
                        }
                        break;
                }
            }
            return null;
        }

        private void Complete()
        {
            if (Completer == null) return;
            string completed = Completer(_line.ToString(), out IReadOnlyList<string> listing);
            foreach (string line in listing) PrintAbove(line);
            if (completed != null)
            {
                _line.Clear();
                _line.Append(completed);
            }
            Redraw();
        }

        /// <summary>Prints a line above the input line without garbling it.</summary>
        public void PrintAbove(string text)
        {
            Console.Write("\r\u001b[K");
            Console.WriteLine(text);
            Redraw();
        }

        /// <summary>Draws the prompt and as much of the end of the typed line as fits in one row ("…" marks the cut).</summary>
        public void Redraw()
        {
            int room = Math.Max(10, WindowWidth() - Prompt.Length - 1);
            string text = _line.ToString();
            if (DisplayWidth(text, 0, text.Length) > room) text = "…" + Tail(text, room - 1);
            Console.Write("\r\u001b[K" + Prompt + text);
        }

        /// <summary>The longest end of <paramref name="text"/> that takes at most <paramref name="columns"/> columns, cut between characters.</summary>
        private static string Tail(string text, int columns)
        {
            int start = text.Length;
            int width = 0;
            while (start > 0)
            {
                int previous = PreviousElementStart(text, start);
                int w = DisplayWidth(text, previous, start - previous);
                if (width + w > columns) break;
                width += w;
                start = previous;
            }
            return text.Substring(start);
        }

        /// <summary>Backspace removes a whole character as the user sees it (an emoji is two UTF-16 units, an accent may follow its letter).</summary>
        private void RemoveLastCharacter()
        {
            if (_line.Length == 0) return;
            string text = _line.ToString();
            _line.Length = PreviousElementStart(text, text.Length);
        }

        private static int PreviousElementStart(string text, int end)
        {
            int[] starts = StringInfo.ParseCombiningCharacters(text.Substring(0, end));
            return starts.Length == 0 ? 0 : starts[starts.Length - 1];
        }

        /// <summary>Columns a piece of text takes: 2 for East Asian wide characters and emoji, else 1 per character.</summary>
        private static int DisplayWidth(string text, int start, int length)
        {
            int width = 0;
            for (int i = start; i < start + length; i++)
            {
                char c = text[i];
                if (char.IsLowSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
                width += char.IsHighSurrogate(c) || IsWide(c) ? 2 : 1;
            }
            return width;
        }

        private static bool IsWide(char c)
        {
            return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6);
        }

        private static int WindowWidth()
        {
            try
            {
                return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            }
            catch (System.IO.IOException)
            {
                return 80;
            }
        }
    }
}
