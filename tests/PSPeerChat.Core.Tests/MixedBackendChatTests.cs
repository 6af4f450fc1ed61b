using System;
using System.Threading.Tasks;
using PSPeerChat.Crypto;
using PSPeerChat.Identity;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Nodes on different crypto backends chat (docs/performance.md, "Crypto backend"): a libsodium node, a BouncyCastle
    /// node in the middle that relays, another libsodium node. Signed broadcasts and encrypted DIRECT messages cross
    /// both ways, the Noise handshakes' identity signatures verify across backends, no signature is refused. This is
    /// the end-to-end class that runs BouncyCastle whatever PSPEERCHAT_CRYPTO says.
    /// </summary>
    public class MixedBackendChatTests
    {
        private static readonly TimeSpan Wait = TestNetwork.Wait;

        private static readonly ICryptoBackend[] Backends = { Ed25519BackendTests.Sodium, BouncyCastleBackend.Instance, Ed25519BackendTests.Sodium };

        [Fact]
        public async Task A_libsodium_node_and_a_BouncyCastle_node_chat_and_relay_for_each_other()
        {
            int next = 0;
            using var net = new TestNetwork(new[] { "sodium0", "bouncy1", "sodium2" }, o => o.Identity = NodeIdentity.Create(Backends[next++]));
            Assert.StartsWith("libsodium 1.0.22", net[0].CryptoBackend);
            Assert.Equal("BouncyCastle 2.7.0", net[1].CryptoBackend);
            Assert.StartsWith("libsodium 1.0.22", net[2].CryptoBackend);
            await net.LinkAsync(0, 1);
            await net.LinkAsync(2, 1);

            net[0].Broadcast("from libsodium");
            PeerMessage atBouncy = net[1].Receive(Wait, m => m.Text == "from libsodium");
            PeerMessage relayed = net[2].Receive(Wait, m => m.Text == "from libsodium");
            Assert.NotNull(atBouncy);
            Assert.NotNull(relayed);
            Assert.Equal(net[0].Id, relayed.From);

            net[1].Broadcast("from BouncyCastle");
            Assert.NotNull(net[0].Receive(Wait, m => m.Text == "from BouncyCastle"));
            Assert.NotNull(net[2].Receive(Wait, m => m.Text == "from BouncyCastle"));

            net[1].SendDirect(net[0].Id, "direct to libsodium");
            net[2].SendDirect(net[1].Id, "direct to BouncyCastle");
            Assert.NotNull(net[0].Receive(Wait, m => m.Text == "direct to libsodium"));
            Assert.NotNull(net[1].Receive(Wait, m => m.Text == "direct to BouncyCastle"));

            for (int i = 0; i < 3; i++) Assert.Equal(0, net[i].InvalidSignatures);
        }
    }
}
