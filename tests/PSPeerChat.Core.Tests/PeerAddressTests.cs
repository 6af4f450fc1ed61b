using System;
using System.Net;
using System.Text.RegularExpressions;
using PSPeerChat.Transport;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class PeerAddressTests
    {
        [Theory]
        [InlineData("localhost:55555", "localhost", 55555)]
        [InlineData("example.org:1", "example.org", 1)]
        [InlineData("192.168.1.20:65535", "192.168.1.20", 65535)]
        [InlineData("  host-name:4242  ", "host-name", 4242)]
        [InlineData("[::1]:55555", "::1", 55555)]
        [InlineData("[fe80::1:2]:8080", "fe80::1:2", 8080)]
        [InlineData("[::]:55555", "localhost", 55555)]      // what a listening node shows: this machine
        [InlineData("0.0.0.0:55556", "localhost", 55556)]
        [InlineData("*:55557", "localhost", 55557)]
        [InlineData("55555", "localhost", 55555)]           // a bare port: this machine
        [InlineData(":55555", "localhost", 55555)]
        public void Valid_addresses_parse_to_host_and_port(string text, string host, int port)
        {
            Assert.True(PeerAddress.TryParse(text, out PeerAddress address, out string error), error);
            Assert.Null(error);
            Assert.Equal(host, address.Host);
            Assert.Equal(port, address.Port);
            Assert.Equal(host, PeerAddress.Parse(text).Host);
        }

        [Theory]
        [InlineData("[::1]:55555", "[::1]:55555")]
        [InlineData("[::]:55555", "localhost:55555")]
        [InlineData("10.0.0.1:80", "10.0.0.1:80")]
        public void ToString_gives_a_dialable_address(string text, string expected)
        {
            string shown = PeerAddress.Parse(text).ToString();
            Assert.Equal(expected, shown);
            Assert.True(PeerAddress.TryParse(shown, out _, out _));
        }

        [Theory]
        [InlineData("localhost", "no port")]
        [InlineData("example.org", "no port")]
        [InlineData("localhost:0", "not a port number")]
        [InlineData("localhost:70000", "not a port number")]
        [InlineData("localhost:abc", "not a port number")]
        [InlineData("localhost:", "not a port number")]
        [InlineData("localhost:-1", "not a port number")]
        [InlineData("localhost:99999999999", "not a port number")]
        [InlineData("0", "not a port number")]
        [InlineData("70000", "not a port number")]
        [InlineData("::1:55555", "brackets")]
        [InlineData("fe80::1:55555", "brackets")]
        [InlineData("[::1]", "[address]:port")]
        [InlineData("[::1]55555", "[address]:port")]
        [InlineData("[not-ipv6]:55555", "not an IPv6 address")]
        [InlineData("[127.0.0.1]:55555", "not an IPv6 address")]
        [InlineData("", "empty")]
        [InlineData("   ", "empty")]
        [InlineData(null, "empty")]
        public void Invalid_addresses_fail_with_a_clear_reason(string text, string reason)
        {
            Assert.False(PeerAddress.TryParse(text, out PeerAddress address, out string error));
            Assert.Null(address);
            Assert.Contains(reason, error);

            var e = Assert.Throws<FormatException>(() => PeerAddress.Parse(text));
            Assert.Equal(error, e.Message);
        }

        [Fact]
        public void The_error_for_an_unbracketed_IPv6_address_suggests_the_bracketed_form()
        {
            PeerAddress.TryParse("::1:55555", out _, out string error);

            Assert.Contains("[::1]:55555", error);
        }

        [Theory]
        [InlineData("::1")]
        [InlineData("fe80::1")]
        [InlineData("2001:db8::7")]
        public void The_example_in_the_error_for_an_IPv6_address_without_port_is_itself_a_valid_address(string text)
        {
            Assert.False(PeerAddress.TryParse(text, out _, out string error));

            // A user copies the example from the message: it must parse, and keep the address they typed.
            Match example = Regex.Match(error, @"\[[^\]]*\]:\d+");
            Assert.True(example.Success, "no [address]:port example in: " + error);
            Assert.True(PeerAddress.TryParse(example.Value, out PeerAddress suggested, out string again), "the suggested '" + example.Value + "' does not parse: " + again);
            Assert.Equal(IPAddress.Parse(text), IPAddress.Parse(suggested.Host));
        }
    
        [Theory]
        [InlineData("[fe80::1%3]:55555", 3)]
        [InlineData("[fe80::b8a4:b1ff:fe7c:3136%22]:37517", 22)]
        public void Lan_link_local_addresses_with_a_scope_round_trip(string text, long scope)
        {
            Assert.True(PeerAddress.TryParse(text, out PeerAddress address, out string error), error);
            Assert.True(EndPoints.TryParse(text, out IPEndPoint endPoint));
            Assert.Equal(scope, endPoint.Address.ScopeId);
            Assert.Equal(text, EndPoints.Format(endPoint));
            Assert.Equal(text, address.ToString());
        }
    }
}
