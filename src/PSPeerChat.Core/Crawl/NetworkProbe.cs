using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Timing;

namespace PSPeerChat.Crawl
{
    /// <summary>
    /// A probe this node sent (Get-PeerNetwork, Test-PeerNetwork): the verified reports as they arrive, one per node,
    /// with their arrival time. Filled from the links' readers, read by the pipeline thread, which waits on
    /// <see cref="WaitForReport"/> between progress updates.
    /// </summary>
    internal sealed class NetworkProbe : IDisposable
    {
        private readonly object _gate = new object();
        private readonly Dictionary<Id128, ProbeAnswer> _answers = new Dictionary<Id128, ProbeAnswer>();
        private readonly SemaphoreSlim _arrived = new SemaphoreSlim(0);
        private readonly TimeProvider _clock;

        public NetworkProbe(Id128 id, ProbeKind kind, long sentAtMs, TimeProvider clock)
        {
            Id = id;
            Kind = kind;
            SentAtMs = sentAtMs;
            _clock = clock;
        }

        public Id128 Id { get; }

        public ProbeKind Kind { get; }

        /// <summary>When it was sent, ms since 1970 UTC by this node's clock (the probe's signed timestamp).</summary>
        public long SentAtMs { get; }

        public int Count
        {
            get { lock (_gate) return _answers.Count; }
        }

        public ProbeAnswer[] Answers
        {
            get { lock (_gate) return _answers.Values.ToArray(); }
        }

        /// <summary>A verified report for this probe; a second one from the same node is ignored.</summary>
        public void Add(Report report)
        {
            lock (_gate)
            {
                if (_answers.ContainsKey(report.ReporterId)) return;
                _answers[report.ReporterId] = new ProbeAnswer(report, _clock.UnixNowMs());
            }
            _arrived.Release();
        }

        /// <summary>Waits until a report arrives (true) or the time is up (false).</summary>
        public bool WaitForReport(TimeSpan timeout, CancellationToken cancel)
        {
            try
            {
                if (!_arrived.Wait(timeout, cancel)) return false;
                while (_arrived.CurrentCount > 0 && _arrived.Wait(0)) { } // several arrived: one wake-up is enough
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose() => _arrived.Dispose();
    }
}
