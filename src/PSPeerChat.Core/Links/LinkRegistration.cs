namespace PSPeerChat.Links
{
    /// <summary>The node's answer to a link whose handshake finished.</summary>
    internal readonly struct LinkRegistration
    {
        private LinkRegistration(CloseReason refusal, string detail, Link kept)
        {
            Refusal = refusal;
            Detail = detail;
            Kept = kept;
        }

        public static LinkRegistration Accepted => default;

        /// <summary>The link must go with <paramref name="refusal"/>; <paramref name="kept"/> is the link that stays, if any.</summary>
        public static LinkRegistration Refused(CloseReason refusal, string detail, Link kept = null) => new LinkRegistration(refusal, detail, kept);

        public bool IsAccepted => Refusal == CloseReason.None;

        public CloseReason Refusal { get; }

        public string Detail { get; }

        /// <summary>For a duplicate: the link to the same node that stays (Connect returns it).</summary>
        public Link Kept { get; }
    }
}
