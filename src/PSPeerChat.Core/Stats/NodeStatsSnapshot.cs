namespace PSPeerChat.Stats
{
    /// <summary>The node's counters read at one moment (see <see cref="NodeStats"/>).</summary>
    internal sealed class NodeStatsSnapshot
    {
        public NodeStatsSnapshot(NodeStats stats)
        {
            MessagesSent = stats.MessagesSent;
            MessagesDelivered = stats.MessagesDelivered;
            MessagesRelayed = stats.MessagesRelayed;
            DuplicatesDropped = stats.DuplicatesDropped;
            InvalidFrames = stats.InvalidFrames;
            InvalidSignatures = stats.InvalidSignatures;
            ReplaysRefused = stats.ReplaysRefused;
            SendDrops = stats.SendDrops;
            SignaturesVerified = stats.SignaturesVerified;
            AddressRequestsIgnored = stats.AddressRequestsIgnored;
            ConnectionsRefused = stats.ConnectionsRefused;
            TextLinesDropped = stats.TextLinesDropped;
            StalledLinksClosed = stats.StalledLinksClosed;
            LinksShed = stats.LinksShed;
            InvalidObjects = stats.InvalidObjects;
            BudgetDrops = stats.BudgetDrops;
            ReadPauses = stats.ReadPauses;
            OverBudgetLinksClosed = stats.OverBudgetLinksClosed;
            ProofOfWorkDrops = stats.ProofOfWorkDrops;
            LanAnnouncementsHeard = stats.LanAnnouncementsHeard;
            LanAnnouncementsDropped = stats.LanAnnouncementsDropped;
            DialBacksDone = stats.DialBacksDone;
            DialBacksRefused = stats.DialBacksRefused;
            DialBackAnswersIgnored = stats.DialBackAnswersIgnored;
            ChannelFiltered = stats.ChannelFilteredCount;
            SealedNotDelivered = stats.SealedNotDeliveredCount;
            SealedOpenFailed = stats.SealedOpenFailedCount;
            HistoryCaughtUp = stats.HistoryCaughtUp;
            HistoryServed = stats.HistoryServed;
            HistoryRefused = stats.HistoryRefused;
            HistoryDropped = stats.HistoryDropped;
            ProbesAnswered = stats.ProbesAnswered;
            ProbesRefused = stats.ProbesRefused;
            ReportsForwarded = stats.ReportsForwarded;
            ReportsDropped = stats.ReportsDropped;
        }

        public long MessagesSent { get; }
        public long MessagesDelivered { get; }
        public long MessagesRelayed { get; }
        public long DuplicatesDropped { get; }
        public long InvalidFrames { get; }
        public long InvalidSignatures { get; }
        public long ReplaysRefused { get; }
        public long SendDrops { get; }
        public long SignaturesVerified { get; }
        public long AddressRequestsIgnored { get; }
        public long ConnectionsRefused { get; }
        public long TextLinesDropped { get; }
        public long StalledLinksClosed { get; }
        public long LinksShed { get; }
        public long InvalidObjects { get; }
        public long BudgetDrops { get; }
        public long ReadPauses { get; }
        public long OverBudgetLinksClosed { get; }
        public long ProofOfWorkDrops { get; }
        public long LanAnnouncementsHeard { get; }
        public long LanAnnouncementsDropped { get; }
        public long DialBacksDone { get; }
        public long DialBacksRefused { get; }
        public long DialBackAnswersIgnored { get; }
        public long ChannelFiltered { get; }
        public long SealedNotDelivered { get; }
        public long SealedOpenFailed { get; }
        public long HistoryCaughtUp { get; }
        public long HistoryServed { get; }
        public long HistoryRefused { get; }
        public long HistoryDropped { get; }
        public long ProbesAnswered { get; }
        public long ProbesRefused { get; }
        public long ReportsForwarded { get; }
        public long ReportsDropped { get; }

        public override string ToString() =>
            "sent " + MessagesSent + ", delivered " + MessagesDelivered + ", relayed " + MessagesRelayed + ", duplicates " + DuplicatesDropped
            + ", invalid frames " + InvalidFrames + ", invalid signatures " + InvalidSignatures + ", invalid objects " + InvalidObjects + ", replays " + ReplaysRefused
            + ", send drops " + SendDrops + ", verified " + SignaturesVerified + ", address requests ignored " + AddressRequestsIgnored + ", connections refused " + ConnectionsRefused + ", text lines dropped " + TextLinesDropped + ", stalled links closed " + StalledLinksClosed + ", links shed " + LinksShed + ", budget drops " + BudgetDrops + ", read pauses " + ReadPauses + ", links closed over budget " + OverBudgetLinksClosed + ", proof-of-work drops " + ProofOfWorkDrops
            + ", LAN announcements heard " + LanAnnouncementsHeard + ", LAN announcements dropped " + LanAnnouncementsDropped
            + ", dial-backs done " + DialBacksDone + ", dial-backs refused " + DialBacksRefused + ", dial-back answers ignored " + DialBackAnswersIgnored
            + ", channel filtered " + ChannelFiltered + ", sealed not delivered " + SealedNotDelivered + ", sealed open failed " + SealedOpenFailed
            + ", caught up " + HistoryCaughtUp + ", history served " + HistoryServed + ", history refused " + HistoryRefused + ", history dropped " + HistoryDropped
            + ", probes answered " + ProbesAnswered + ", probes refused " + ProbesRefused + ", reports forwarded " + ReportsForwarded + ", reports dropped " + ReportsDropped;
    }
}
