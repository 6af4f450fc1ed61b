using System;
using System.Globalization;
using System.Net;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// A dialable address: "host:port", "[v6]:port", the article's "[::]:55555", or a bare port (this machine).
    /// An unspecified host (:: or 0.0.0.0, what a listening node shows) means this machine, as in the article.
    /// </summary>
    public sealed class PeerAddress
    {
        private PeerAddress(string host, int port)
        {
            Host = host;
            Port = port;
        }

        public string Host { get; }

        public int Port { get; }

        public override string ToString() => (Host.IndexOf(':') >= 0 ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

        /// <summary>Parses an address; false with a reason a user can act on.</summary>
        public static bool TryParse(string text, out PeerAddress address, out string error)
        {
            address = null;
            error = null;
            string s = text?.Trim();
            if (string.IsNullOrEmpty(s))
            {
                error = "The address is empty. Give host:port, for example localhost:55555 or [::1]:55555.";
                return false;
            }

            string host;
            string portText;
            if (s[0] == '[')
            {
                int close = s.IndexOf(']');
                if (close < 0 || close + 1 >= s.Length || s[close + 1] != ':')
                {
                    error = "'" + s + "' is not a valid address. An IPv6 address needs the form [address]:port, for example [::1]:55555.";
                    return false;
                }
                host = s.Substring(1, close - 1);
                portText = s.Substring(close + 2);
                if (!IPAddress.TryParse(host, out IPAddress v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                {
                    error = "'" + host + "' in '" + s + "' is not an IPv6 address.";
                    return false;
                }
            }
            else
            {
                int colon = s.LastIndexOf(':');
                if (colon < 0)
                {
                    host = "localhost";
                    portText = s;
                    if (!IsDigits(portText))
                    {
                        error = "'" + s + "' has no port. Give host:port, for example " + s + ":55555.";
                        return false;
                    }
                }
                else
                {
                    if (s.IndexOf(':') != colon && IPAddress.TryParse(s, out IPAddress bare) && bare.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
                    {
                        error = "'" + s + "' has no port. Write an IPv6 address in brackets with a port, for example [" + s + "]:55555.";
                        return false;
                    }
                    if (s.IndexOf(':') != colon)
                    {
                        error = "'" + s + "' is ambiguous: write an IPv6 address in brackets, for example [" + s.Substring(0, colon) + "]:" + s.Substring(colon + 1) + ".";
                        return false;
                    }
                    host = s.Substring(0, colon);
                    portText = s.Substring(colon + 1);
                    if (host.Length == 0) host = "localhost";
                }
            }

            if (!IsDigits(portText) || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < 1 || port > 65535)
            {
                error = "'" + portText + "' in '" + s + "' is not a port number (1 to 65535).";
                return false;
            }
            if (host == "::" || host == "0.0.0.0" || host == "*") host = "localhost";
            address = new PeerAddress(host, port);
            return true;
        }

        public static PeerAddress Parse(string text)
        {
            if (!TryParse(text, out PeerAddress address, out string error)) throw new FormatException(error);
            return address;
        }

        private static bool IsDigits(string s)
        {
            if (s.Length == 0) return false;
            foreach (char c in s)
            {
                if (c < '0' || c > '9') return false;
            }
            return true;
        }
    }
}
