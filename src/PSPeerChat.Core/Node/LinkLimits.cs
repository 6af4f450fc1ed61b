using System;
using System.Net;
using System.Net.Sockets;
using PSPeerChat.Settings;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// How many links of each kind a node holds (protocol.md §8.6): strangers can connect for free, so no kind of them
    /// may take every slot. PeerChat links at most MaxPeers, of which inbound ones leave a reserve for this node's own
    /// dials; plain text peers apart, at most MaxTextPeers; connections still in their handshake at most
    /// MaxPendingLinks; and, except on loopback, few links from one address or one network (/24, /48).
    /// </summary>
    internal sealed class LinkLimits
    {
        public LinkLimits(PeerNodeOptions options)
        {
            MaxPeers = options.MaxPeers;
            MaxInbound = options.MaxPeers - Math.Min(options.TargetPeers, options.MaxPeers / 2);
            MaxTextPeers = options.MaxTextPeers;
            MaxPending = options.MaxPendingLinks;
        }

        /// <summary>PeerChat links at most.</summary>
        public int MaxPeers { get; }

        /// <summary>Inbound PeerChat links at most: MaxPeers less a reserve (TargetPeers, at most half) for our own dials.</summary>
        public int MaxInbound { get; }

        public int MaxTextPeers { get; }

        /// <summary>Inbound connections not yet registered (handshake or protocol detection under way) at most.</summary>
        public int MaxPending { get; }

        /// <summary>Links (pending or registered) from one remote address at most; loopback is not limited.</summary>
        public int PerAddress => Tunables.MaxLinksPerAddress;

        /// <summary>Links from one /24 (IPv4) or /48 (IPv6) at most; loopback is not limited.</summary>
        public int PerNetwork => Tunables.MaxLinksPerNetwork;

        /// <summary>True when links from this address count against the per-address and per-network caps.</summary>
        public static bool IsCapped(IPAddress address) => address != null && !IPAddress.IsLoopback(EndPoints.Unmap(address));

        /// <summary>The /24 or /48 an address belongs to, as a comparable value.</summary>
        public static string NetworkOf(IPAddress address)
        {
            byte[] bytes = EndPoints.Unmap(address).GetAddressBytes();
            int prefix = address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6 ? 6 : 3;
            return BitConverter.ToString(bytes, 0, Math.Min(prefix, bytes.Length));
        }
    }
}
