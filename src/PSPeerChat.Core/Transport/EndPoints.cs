using System.Net;
using System.Net.Sockets;

namespace PSPeerChat.Transport
{
    /// <summary>How an endpoint is written everywhere (Peer.Address, the address book): IPv4 unmapped, IPv6 in brackets.</summary>
    internal static class EndPoints
    {
        public static string Format(IPEndPoint endPoint)
        {
            if (endPoint == null) return "?";
            IPAddress address = Unmap(endPoint.Address);
            return address.AddressFamily == AddressFamily.InterNetworkV6
                ? "[" + address + "]:" + endPoint.Port
                : address + ":" + endPoint.Port;
        }

        public static IPAddress Unmap(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

        /// <summary>An IP literal host:port as an endpoint; false for names and anything unparsable.</summary>
        public static bool TryParse(string address, out IPEndPoint endPoint)
        {
            endPoint = null;
            if (!PeerAddress.TryParse(address, out PeerAddress parsed, out _) || !IPAddress.TryParse(parsed.Host, out IPAddress ip)) return false;
            endPoint = new IPEndPoint(ip, parsed.Port);
            return true;
        }
    }
}
