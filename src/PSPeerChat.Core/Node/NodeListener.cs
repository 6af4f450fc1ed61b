using System;
using System.Net;
using System.Net.Sockets;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>Where a node listens: the address from its options, the port walking forward while taken (the article's behaviour).</summary>
    internal static class NodeListener
    {
        /// <summary>Listens dual-stack on :: by default (IPv4 only where the OS has no IPv6).</summary>
        /// <exception cref="PortInUseException">No port of the range could be had.</exception>
        public static ILinkListener Bind(ILinkNetwork network, PeerNodeOptions options, out string endpoint)
        {
            IPAddress address;
            bool dualMode = false;
            string listen = options.ListenAddress?.Trim();
            if (string.IsNullOrEmpty(listen) || listen == "::" || listen == "[::]")
            {
                address = Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
                dualMode = Socket.OSSupportsIPv6;
            }
            else if (!IPAddress.TryParse(listen.Trim('[', ']'), out address))
            {
                throw new ArgumentException("'" + listen + "' is not an IP address to listen on. Use an address of this machine, for example 127.0.0.1 or ::1, or :: for all.", nameof(options.ListenAddress));
            }

            int first = options.Port;
            int last = options.Port == 0 || !options.FallForward ? options.Port : Math.Min(65535, options.Port + PeerNodeOptions.PortFallForwardRange - 1);
            SocketException lastError = null;
            for (int port = first; port <= last; port++)
            {
                try
                {
                    ILinkListener listener = network.Listen(new IPEndPoint(address, port), dualMode);
                    endpoint = EndPoints.Format(new IPEndPoint(address, listener.LocalEndPoint.Port));
                    return listener;
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse || ex.SocketErrorCode == SocketError.AccessDenied)
                {
                    lastError = ex;
                }
                catch (SocketException ex) when (dualMode && ex.SocketErrorCode == SocketError.AddressFamilyNotSupported)
                {
                    // IPv6 is compiled in but switched off: listen on IPv4 only.
                    options.ListenAddress = "0.0.0.0";
                    return Bind(network, options, out endpoint);
                }
            }
            string message = first == last
                ? "Port " + first + " is already in use. Choose another with -Port, or -Port 0 for any free port."
                : "Ports " + first + " to " + last + " are all in use. Choose one with -Port, or -Port 0 for any free port.";
            throw new PortInUseException(first, message, lastError);
        }
    }
}
