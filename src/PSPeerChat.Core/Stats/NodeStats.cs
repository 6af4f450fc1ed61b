using System.Threading;

namespace PSPeerChat.Stats
{
    /// <summary>
    /// A node's counters, in one place: every part of the engine that counts (links, the flood receiver, the
    /// address exchange) adds here, and the node's public properties read a <see cref="Snapshot"/> or one counter.
    /// Lock-free: each counter is one Interlocked add.
    /// </summary>
    internal sealed class NodeStats
    {
        private long _messagesSent;
        private long _messagesDelivered;
        private long _messagesRelayed;
        private long _duplicatesDropped;
        private long _invalidFrames;
        private long _invalidSignatures;
        private long _replaysRefused;
        private long _sendDrops;
        private long _signaturesVerified;
        private long _addressRequestsIgnored;
        private long _connectionsRefused;
        private long _textLinesDropped;
        private long _stalledLinksClosed;
        private long _budgetDrops;
        private long _readPauses;
        private long _overBudgetLinksClosed;
        private long _proofOfWorkDrops;
        private long _lanAnnouncementsHeard;
        private long _lanAnnouncementsDropped;
        private long _dialBacksDone;
        private long _dialBacksRefused;
        private long _dialBackAnswersIgnored;
        private long _probesAnswered;
        private long _probesRefused;
        private long _reportsForwarded;
        private long _reportsDropped;
        private long _linksShed;
        private long _channelFiltered;
        private long _sealedNotDelivered;
        private long _sealedOpenFailed;
        private long _invalidObjects;
        private long _historyCaughtUp;
        private long _historyServed;
        private long _historyRefused;
        private long _historyDropped;

        public long MessagesSent => Interlocked.Read(ref _messagesSent);
        public long MessagesDelivered => Interlocked.Read(ref _messagesDelivered);
        public long MessagesRelayed => Interlocked.Read(ref _messagesRelayed);
        public long DuplicatesDropped => Interlocked.Read(ref _duplicatesDropped);
        public long InvalidFrames => Interlocked.Read(ref _invalidFrames);
        public long InvalidSignatures => Interlocked.Read(ref _invalidSignatures);
        public long ReplaysRefused => Interlocked.Read(ref _replaysRefused);
        public long SendDrops => Interlocked.Read(ref _sendDrops);
        public long SignaturesVerified => Interlocked.Read(ref _signaturesVerified);
        public long AddressRequestsIgnored => Interlocked.Read(ref _addressRequestsIgnored);
        public long ConnectionsRefused => Interlocked.Read(ref _connectionsRefused);
        public long TextLinesDropped => Interlocked.Read(ref _textLinesDropped);
        public long StalledLinksClosed => Interlocked.Read(ref _stalledLinksClosed);
        public long LinksShed => Interlocked.Read(ref _linksShed);
        public long InvalidObjects => Interlocked.Read(ref _invalidObjects);
        public long BudgetDrops => Interlocked.Read(ref _budgetDrops);
        public long ReadPauses => Interlocked.Read(ref _readPauses);
        public long OverBudgetLinksClosed => Interlocked.Read(ref _overBudgetLinksClosed);
        public long ProofOfWorkDrops => Interlocked.Read(ref _proofOfWorkDrops);
        public long LanAnnouncementsHeard => Interlocked.Read(ref _lanAnnouncementsHeard);
        public long LanAnnouncementsDropped => Interlocked.Read(ref _lanAnnouncementsDropped);
        public long DialBacksDone => Interlocked.Read(ref _dialBacksDone);
        public long DialBacksRefused => Interlocked.Read(ref _dialBacksRefused);
        public long DialBackAnswersIgnored => Interlocked.Read(ref _dialBackAnswersIgnored);
        public long ChannelFilteredCount => Interlocked.Read(ref _channelFiltered);
        public long SealedNotDeliveredCount => Interlocked.Read(ref _sealedNotDelivered);
        public long SealedOpenFailedCount => Interlocked.Read(ref _sealedOpenFailed);
        public long HistoryCaughtUp => Interlocked.Read(ref _historyCaughtUp);
        public long HistoryServed => Interlocked.Read(ref _historyServed);
        public long HistoryRefused => Interlocked.Read(ref _historyRefused);
        public long HistoryDropped => Interlocked.Read(ref _historyDropped);
        public long ProbesAnswered => Interlocked.Read(ref _probesAnswered);
        public long ProbesRefused => Interlocked.Read(ref _probesRefused);
        public long ReportsForwarded => Interlocked.Read(ref _reportsForwarded);
        public long ReportsDropped => Interlocked.Read(ref _reportsDropped);

        public void MessageSent() => Interlocked.Increment(ref _messagesSent);
        public void MessageDelivered() => Interlocked.Increment(ref _messagesDelivered);
        public void MessageRelayed() => Interlocked.Increment(ref _messagesRelayed);
        public void DuplicateDropped() => Interlocked.Increment(ref _duplicatesDropped);
        public void InvalidFrame() => Interlocked.Increment(ref _invalidFrames);
        public void ReplayRefused() => Interlocked.Increment(ref _replaysRefused);
        public void AddressRequestIgnored() => Interlocked.Increment(ref _addressRequestsIgnored);
        public void ConnectionRefused() => Interlocked.Increment(ref _connectionsRefused);
        public void TextLineDropped() => Interlocked.Increment(ref _textLinesDropped);
        public void StalledLinkClosed() => Interlocked.Increment(ref _stalledLinksClosed);
        public void LinkShed() => Interlocked.Increment(ref _linksShed);
        public void InvalidObject() => Interlocked.Increment(ref _invalidObjects);
        public void BudgetDrop() => Interlocked.Increment(ref _budgetDrops);
        public void ReadPaused() => Interlocked.Increment(ref _readPauses);
        public void OverBudgetLinkClosed() => Interlocked.Increment(ref _overBudgetLinksClosed);
        public void ProofOfWorkDrop() => Interlocked.Increment(ref _proofOfWorkDrops);
        public void LanAnnouncementHeard() => Interlocked.Increment(ref _lanAnnouncementsHeard);
        public void LanAnnouncementDropped() => Interlocked.Increment(ref _lanAnnouncementsDropped);
        public void DialBackDone() => Interlocked.Increment(ref _dialBacksDone);
        public void DialBackRefused() => Interlocked.Increment(ref _dialBacksRefused);
        public void DialBackAnswerIgnored() => Interlocked.Increment(ref _dialBackAnswersIgnored);
        public void ChannelFiltered() => Interlocked.Increment(ref _channelFiltered);
        public void SealedNotDelivered() => Interlocked.Increment(ref _sealedNotDelivered);
        public void SealedOpenFailed() => Interlocked.Increment(ref _sealedOpenFailed);
        public void HistoryCaughtUpDelivered() => Interlocked.Increment(ref _historyCaughtUp);
        public void HistoryFrameServed() => Interlocked.Increment(ref _historyServed);
        public void HistoryRequestRefused() => Interlocked.Increment(ref _historyRefused);
        public void HistoryFrameDropped() => Interlocked.Increment(ref _historyDropped);
        public void ProbeAnswered() => Interlocked.Increment(ref _probesAnswered);
        public void ProbeRefused() => Interlocked.Increment(ref _probesRefused);
        public void ReportForwarded() => Interlocked.Increment(ref _reportsForwarded);
        public void ReportDropped() => Interlocked.Increment(ref _reportsDropped);

        public void SendsDropped(int count)
        {
            if (count > 0) Interlocked.Add(ref _sendDrops, count);
        }

        /// <summary>One signature checked; a false verdict is also an invalid signature.</summary>
        public void Verification(bool valid)
        {
            Interlocked.Increment(ref _signaturesVerified);
            if (!valid) Interlocked.Increment(ref _invalidSignatures);
        }

        /// <summary>Every counter at one moment (each read on its own: counters moving meanwhile may be a step apart).</summary>
        public NodeStatsSnapshot Snapshot() => new NodeStatsSnapshot(this);
    }
}
