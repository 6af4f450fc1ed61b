using System.Net;
using System.Net.Sockets;
using PSPeerChat.Transport;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// Network groups (protocol.md §4.2), as Bitcoin Core's addrman groups addresses: one IPv4 /16 or one IPv6 /32 is one
    /// group, since an attacker gets addresses within one such block far more cheaply than across many. Loopback is not
    /// grouped (each address is its own group): several nodes of one machine are tests and local use, not an attack.
    /// </summary>
    internal static class AddressGroups
    {
        public static string Of(IPAddress ip, int port)
        {
            if (ip == null) return "unknown";
            ip = EndPoints.Unmap(ip);
            if (IPAddress.IsLoopback(ip)) return "lo:" + port;
            byte[] b = ip.GetAddressBytes();
            return ip.AddressFamily == AddressFamily.InterNetwork
                ? "4:" + b[0] + "." + b[1]
                : "6:" + b[0].ToString("x2") + b[1].ToString("x2") + ":" + b[2].ToString("x2") + b[3].ToString("x2");
        }

        /// <summary>The group of an address as the book writes it (ip:port or [ip]:port); "unknown" when it is not an IP literal.</summary>
        public static string Of(string address)
        {
            return EndPoints.TryParse(address, out IPEndPoint endPoint) ? Of(endPoint.Address, endPoint.Port) : "unknown";
        }
    }
}
