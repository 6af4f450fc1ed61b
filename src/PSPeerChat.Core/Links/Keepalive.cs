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
        public static void Tick(IEnumerable<Link> links, long nowMs, TimeSpan interval, TimeSpan idleTimeout)
        {
            long idleMs = (long)idleTimeout.TotalMilliseconds;
            long pingMs = (long)interval.TotalMilliseconds;
            foreach (Link link in links)
            {
                if (link.IsText) continue; // the article's protocol has no keepalive
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
