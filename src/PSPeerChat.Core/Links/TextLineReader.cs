using System;
using System.Threading.Tasks;
using PSPeerChat.Protocol;

namespace PSPeerChat.Links
{
    /// <summary>
    /// A plain text peer (the article's node, nc): registered as soon as it is detected, then every newline-ended line
    /// goes to the node. A line is bounded by ProtocolLimits.MaxLineBytes; a longer one closes the link (protocol.md §5).
    /// </summary>
    internal static class TextLineReader
    {
        /// <param name="pending">A receive still under way from protocol detection, or null.</param>
        /// <param name="end">Bytes already in the pump's read buffer.</param>
        public static async Task RunAsync(Link link, ILinkHost host, LinkPump pump, Task<int> pending, int end)
        {
            LinkRegistration registration = host.Register(link);
            if (!registration.IsAccepted)
            {
                link.Close(registration.Refusal, registration.Detail);
                return;
            }
            link.CompleteHandshake(link);
            if (pending != null)
            {
                end = await pending;
                pump.Received(end);
                if (end == 0)
                {
                    link.Close(CloseReason.ConnectionLost, "the text peer left", tellRemote: false);
                    return;
                }
            }
            await ReadLinesAsync(link, host, pump, end);
        }

        private static async Task ReadLinesAsync(Link link, ILinkHost host, LinkPump pump, int end)
        {
            int start = 0;
            int scanned = 0;
            while (true)
            {
                while (true)
                {
                    int newline = Array.IndexOf(pump.ReadBuffer, (byte)'\n', scanned, end - scanned);
                    if (newline < 0)
                    {
                        scanned = end;
                        break;
                    }
                    int length = newline - start;
                    if (length > ProtocolLimits.MaxLineBytes - 1)
                    {
                        link.Fail("line longer than " + ProtocolLimits.MaxLineBytes + " bytes", CloseReason.FrameTooLarge);
                        return;
                    }
                    if (!host.OnTextLine(link, pump.ReadBuffer, start, length)) return;
                    start = newline + 1;
                    scanned = start;
                }

                if (end - start >= ProtocolLimits.MaxLineBytes)
                {
                    link.Fail("line longer than " + ProtocolLimits.MaxLineBytes + " bytes", CloseReason.FrameTooLarge);
                    return;
                }

                int before = start;
                pump.MakeRoom(ref start, ref end, Math.Min(end - start + host.Settings.InitialReadBuffer, ProtocolLimits.MaxLineBytes));
                scanned -= before - start;
                int n = await pump.ReceiveAsync(end);
                if (n == 0)
                {
                    if (end > start) host.OnTextLine(link, pump.ReadBuffer, start, end - start); // a last line without newline
                    link.Close(CloseReason.ConnectionLost, "the text peer left", tellRemote: false);
                    return;
                }
                pump.Received(n);
                end += n;
            }
        }
    }
}
