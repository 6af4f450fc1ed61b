using System;

namespace PSPeerChat
{
    /// <summary>An entry of a node's address book, as Get-PeerAddress shows it (a snapshot).</summary>
    public sealed class PeerAddressEntry
    {
        /// <summary>Where the node listens, host:port.</summary>
        public string Address { get; internal set; }

        /// <summary>The node id behind the address, when known (proven by a link's handshake, or named in an ADDR record).</summary>
        public string NodeId { get; internal set; }

        /// <summary>How this node learned the address: Bootstrap, Connected (a link's handshake) or Gossip (an ADDR from a neighbour).</summary>
        public string Source { get; internal set; }

        /// <summary>When the address was last confirmed: by a link, or by a neighbour naming it.</summary>
        public DateTimeOffset LastSeen { get; internal set; }

        /// <summary>Failed dials in a row; the wait before the next try doubles with each (capped).</summary>
        public int Failures { get; internal set; }

        /// <summary>Earliest time this node dials the address again.</summary>
        public DateTimeOffset NextAttempt { get; internal set; }

        /// <summary>True while a registered link leads to this address's node.</summary>
        public bool Connected { get; internal set; }

        /// <summary>
        /// Until when this node will not dial the address or take connections from its host: a link to it was closed for
        /// misbehaviour (protocol.md §8.7). Null when it is not discouraged.
        /// </summary>
        public DateTimeOffset? DiscouragedUntil { get; internal set; }

        /// <summary>Name of the node whose book this is.</summary>
        public string Node { get; internal set; }

        public override string ToString() => Address;
    }
}
