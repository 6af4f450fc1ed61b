using System.Text;
using PSPeerChat.Flood;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class FloodMessageTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(31)]
        public void CreateRelayFrame_changes_exactly_the_hop_byte(byte hops)
        {
            FloodMessage original = Frames.Decode(Frames.WithHops(Frames.NewMessage("alice", "relay me ✓", hopLimit: 32).Frame, hops));
            byte[] before = (byte[])original.Frame.Clone();

            byte[] relay = original.CreateRelayFrame();

            Assert.Equal(before.Length, relay.Length);
            Assert.NotSame(original.Frame, relay);
            for (int i = 0; i < relay.Length; i++)
            {
                if (i == MessageFrame.HopsOffset) Assert.Equal((byte)(hops + 1), relay[i]);
                else Assert.True(before[i] == relay[i], "byte " + i + " changed");
            }
            Assert.Equal(before, original.Frame); // the received frame is left alone
            Assert.Equal(hops, original.Hops);

            FloodMessage decoded = Frames.Decode(relay);
            Assert.Equal(hops + 1, decoded.Hops);
            Assert.Equal(original.Id, decoded.Id);
            Assert.Equal(original.Text, decoded.Text);
        }

        [Theory]
        [InlineData("bob", "hello", "bob: hello\n")]
        [InlineData("bob", "", "bob: \n")]
        [InlineData("bob", "one\ntwo", "bob: one two\n")]
        [InlineData("bob", "one\r\ntwo\rthree\n\nfour", "bob: one two three  four\n")]
        [InlineData("Zoë", "日本 🎉", "Zoë: 日本 🎉\n")]
        public void GetTextLine_is_name_colon_text_newline_with_newlines_flattened(string name, string text, string expected)
        {
            FloodMessage message = Frames.NewMessage(name, text);

            byte[] line = message.GetTextLine();

            Assert.Equal(expected, Encoding.UTF8.GetString(line));
            Assert.Equal(1, System.Linq.Enumerable.Count(line, b => b == (byte)'\n'));
            Assert.Equal(text, message.Text); // the message keeps its original text
        }
    }
}
