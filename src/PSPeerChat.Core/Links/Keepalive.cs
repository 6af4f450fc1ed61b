using System;
using System.Collections.Generic;

namespace PSPeerChat.Links
{
    /// <summary>
    /// Keepalive (protocol.md §3.5), run at each maintenance tick: a PING on every PeerChat link that has none
    /// outstanding, and a link that has received nothing for the idle timeout (not even a PONG) is dropped as dead,
    /// unless bytes wait unread (then this node is slow, not the neighbour).
    /// </summary>
    internal static class Keepalive
    {
        /// <param name="textIdleTimeout">A text peer (no keepalive in the article's protocol) silent this long is dropped too.</param>
        /// <param name="stallTimeout">A link whose send queue stayed full this long, nothing written, is dropped (it does not read).</param>
        /// <returns>How many links were dropped as stalled.</returns>
        public static int Tick(IEnumerable<Link> links, long nowMs, TimeSpan interval, TimeSpan idleTimeout, TimeSpan textIdleTimeout, TimeSpan stallTimeout)
        {
            int stalled = 0;
            long idleMs = (long)idleTimeout.TotalMilliseconds;
            long pingMs = (long)interval.TotalMilliseconds;
            foreach (Link link in links)
            {
                long stalledSince = link.StalledSinceMs;
                if (stalledSince != 0 && nowMs - stalledSince > (long)stallTimeout.TotalMilliseconds)
                {
                    // Its messages are being dropped for good: better it goes and the node repairs around it.
                    link.Close(CloseReason.Stalled, "its send queue stayed full for " + stallTimeout.TotalSeconds + " s: the neighbour does not read");
                    stalled++;
                    continue;
                }
                if (link.IsText)
                {
                    if (nowMs - link.LastReceivedMs > (long)textIdleTimeout.TotalMilliseconds && !link.HasUnreadData)
                    {
                        link.Close(CloseReason.ConnectionLost, "no line for " + textIdleTimeout.TotalMinutes + " min");
                    }
                    continue;
                }
                if (nowMs - link.LastReceivedMs > idleMs && !link.HasUnreadData)
                {
                    link.Close(CloseReason.ConnectionLost, "nothing received for " + idleTimeout.TotalSeconds + " s");
                    continue;
                }
                link.PingIfDue(nowMs, pingMs);
            }
            return stalled;
        }
    }
}
