using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>AUTH: a signature over the link's transcript (both HELLO bodies) and the signer's role.</summary>
    public class AuthFrameTests
    {
        private static readonly NodeIdentity Dialler = NodeIdentity.Create();
        private static readonly NodeIdentity Acceptor = NodeIdentity.Create();
        private static readonly byte[] DiallerHello = Frames.Body(Frames.Hello(Dialler, token: 11, name: "d"));
        private static readonly byte[] AcceptorHello = Frames.Body(Frames.Hello(Acceptor, token: 11, name: "a"));

        private static bool Verify(NodeIdentity claimed, byte role, byte[] dialler, byte[] acceptor, byte[] auth, int? length = null)
        {
            return AuthFrame.Verify(new SignatureVerifier(), claimed.NodeId, claimed.SigningPublicKey, role, dialler, acceptor, auth, ProtocolLimits.LengthPrefix, length ?? Frames.BodyLength(auth));
        }

        [Fact]
        public void An_AUTH_is_65_bytes_and_verifies_for_its_signer_role_and_transcript()
        {
            byte[] auth = AuthFrame.Encode(Dialler, AuthFrame.DiallerRole, DiallerHello, AcceptorHello);

            Assert.Equal(65, Frames.BodyLength(auth));
            Assert.Equal((byte)FrameType.Auth, auth[ProtocolLimits.LengthPrefix]);
            Assert.True(Verify(Dialler, AuthFrame.DiallerRole, DiallerHello, AcceptorHello, auth));
        }

        [Fact]
        public void An_AUTH_does_not_verify_for_another_role_transcript_or_key()
        {
            byte[] auth = AuthFrame.Encode(Dialler, AuthFrame.DiallerRole, DiallerHello, AcceptorHello);
            byte[] otherNonce = Frames.Body(Frames.Hello(Acceptor, token: 11, name: "a")); // the same fields, a fresh nonce

            Assert.False(Verify(Dialler, AuthFrame.AcceptorRole, DiallerHello, AcceptorHello, auth)); // reflected back as the other role
            Assert.False(Verify(Dialler, AuthFrame.DiallerRole, AcceptorHello, DiallerHello, auth)); // HELLOs swapped
            Assert.False(Verify(Dialler, AuthFrame.DiallerRole, DiallerHello, otherNonce, auth));    // another link
            Assert.False(Verify(Acceptor, AuthFrame.DiallerRole, DiallerHello, AcceptorHello, auth)); // someone else's key
            Assert.False(Verify(Dialler, AuthFrame.DiallerRole, DiallerHello, AcceptorHello, auth, 64)); // cut short
        }

        [Fact]
        public void A_claimed_id_must_be_the_hash_of_the_key()
        {
            byte[] auth = AuthFrame.Encode(Dialler, AuthFrame.DiallerRole, DiallerHello, AcceptorHello);

            Assert.False(AuthFrame.Verify(new SignatureVerifier(), Acceptor.NodeId, Dialler.SigningPublicKey, AuthFrame.DiallerRole, DiallerHello, AcceptorHello, auth, ProtocolLimits.LengthPrefix, 65));
        }

        [Fact]
        public void Flipping_any_signature_byte_breaks_it()
        {
            byte[] auth = AuthFrame.Encode(Acceptor, AuthFrame.AcceptorRole, DiallerHello, AcceptorHello);

            for (int i = ProtocolLimits.LengthPrefix + 1; i < auth.Length; i++)
            {
                byte[] flipped = (byte[])auth.Clone();
                flipped[i] ^= 0x01;
                Assert.False(Verify(Acceptor, AuthFrame.AcceptorRole, DiallerHello, AcceptorHello, flipped), "byte " + i);
            }
        }
    }
}
