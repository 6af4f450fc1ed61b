using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The seen key is wire contract (protocol.md §4.1): the first 16 bytes of SHA-256 over type ‖ origin ‖ id, or type ‖ id for a DIRECT.</summary>
    public class SeenKeyTests
    {
        [Fact]
        public void The_key_is_the_first_16_bytes_of_SHA256_over_type_origin_and_id_on_any_thread()
        {
            Id128 origin = Id128.NewRandom(), id = Id128.NewRandom();
            byte[] signed = new byte[33];
            signed[0] = (byte)FrameType.Message;
            origin.Write(signed, 1);
            id.Write(signed, 17);
            byte[] direct = new byte[17];
            direct[0] = (byte)FrameType.Direct;
            id.Write(direct, 1);
            Id128 expectedSigned = Id128.Read(SHA256.HashData(signed), 0);
            Id128 expectedDirect = Id128.Read(SHA256.HashData(direct), 0);

            // Twice on each of several threads: the per-thread hash state is reset after every key.
            Parallel.For(0, 8, _ =>
            {
                for (int i = 0; i < 2; i++)
                {
                    Assert.Equal(expectedSigned, SeenKey.Of(FrameType.Message, origin, id));
                    Assert.Equal(expectedDirect, SeenKey.OfDirect(id));
                }
            });
            Assert.NotEqual(expectedSigned, SeenKey.Of(FrameType.Announce, origin, id));
        }
    }
}
