using PSPeerChat.Protocol;

namespace PSPeerChat.Crawl
{
    /// <summary>One node's verified report to a probe this node sent, and when it arrived (ms since 1970 UTC, our clock).</summary>
    internal sealed class ProbeAnswer
    {
        public ProbeAnswer(Report report, long arrivedAtMs)
        {
            Report = report;
            ArrivedAtMs = arrivedAtMs;
        }

        public Report Report { get; }

        public long ArrivedAtMs { get; }
    }
}
