using System.Net;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>One address in an ADDR frame: where a node listens, its id if known, and whether it is a neighbour of the sender.</summary>
    internal readonly struct AddressRecord
    {
        public AddressRecord(IPEndPoint endPoint, Id128 nodeId, bool isNeighbour)
        {
            EndPoint = endPoint;
            NodeId = nodeId;
            IsNeighbour = isNeighbour;
        }

        public IPEndPoint EndPoint { get; }

        /// <summary>Empty when the sender does not know it.</summary>
        public Id128 NodeId { get; }

        /// <summary>The sender holds a link to this node right now.</summary>
        public bool IsNeighbour { get; }
    }
}
