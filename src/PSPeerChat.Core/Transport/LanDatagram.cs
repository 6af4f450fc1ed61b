using System.Net;

namespace PSPeerChat.Transport
{
    /// <summary>What <see cref="ILanChannel.ReceiveAsync"/> got: the length of the datagram and who sent it.</summary>
    internal struct LanDatagram
    {
        public LanDatagram(int length, IPEndPoint from)
        {
            Length = length;
            From = from;
        }

        public int Length { get; }

        public IPEndPoint From { get; }
    }
}
