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
        public static void Tick(IEnumerable<Link> links, long nowMs, TimeSpan interval, TimeSpan idleTimeout, TimeSpan textIdleTimeout)
        {
            long idleMs = (long)idleTimeout.TotalMilliseconds;
            long pingMs = (long)interval.TotalMilliseconds;
            foreach (Link link in links)
            {
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
        }
    }
}
