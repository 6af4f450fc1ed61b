using System;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using PSPeerChat.Identity;
using PSPeerChat.Protocol.Noise;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// The encrypted link handshake (protocol.md §9.2, §9.3): Noise XX whose payloads bind each side's Noise static key
    /// to its Ed25519 identity.
    /// </summary>
    public class NoiseHandshakeTests
    {
        private static readonly SecureRandom Random = new SecureRandom();
        private static readonly byte[] Prologue = Encoding.ASCII.GetBytes("PSPeerChat test");
        private static readonly NodeIdentity Alice = NodeIdentity.Create();
        private static readonly NodeIdentity Bob = NodeIdentity.Create();
        private static readonly NodeIdentity Mallory = NodeIdentity.Create();

        private static X25519PrivateKeyParameters NewStatic() => new X25519PrivateKeyParameters(Random);

        private static NoiseLinkHandshake Initiator(NodeIdentity identity, Id128? expected = null) =>
            new NoiseLinkHandshake(true, identity, NewStatic(), Prologue, new SignatureVerifier(), expected);

        private static NoiseLinkHandshake Responder(NodeIdentity identity) =>
            new NoiseLinkHandshake(false, identity, NewStatic(), Prologue, new SignatureVerifier());

        /// <summary>Runs the three messages; <paramref name="tamper"/> may change message i (0-based) in flight.</summary>
        private static void Run(NoiseLinkHandshake initiator, NoiseLinkHandshake responder, Func<int, byte[], byte[]> tamper = null)
        {
            for (int i = 0; i < 3; i++)
            {
                NoiseLinkHandshake sender = i % 2 == 0 ? initiator : responder;
                NoiseLinkHandshake receiver = i % 2 == 0 ? responder : initiator;
                byte[] message = sender.WriteMessage();
                if (tamper != null) message = tamper(i, message);
                receiver.ReadMessage(message, 0, message.Length);
            }
        }

        [Fact]
        public void Both_sides_learn_each_others_node_id_and_share_the_handshake_hash_and_keys()
        {
            var a = Initiator(Alice, Bob.NodeId);
            var b = Responder(Bob);

            byte[] m1 = a.WriteMessage();
            Assert.Equal(32, m1.Length); // e only: nothing about Alice
            b.ReadMessage(m1, 0, m1.Length);
            Assert.Null(b.RemoteIdentity);
            byte[] m2 = b.WriteMessage();
            Assert.Equal(32 + 48 + IdentityPayload.Size + 16, m2.Length);
            a.ReadMessage(m2, 0, m2.Length);
            Assert.Equal(Bob.NodeId, a.RemoteIdentity.NodeId); // the initiator knows Bob after message 2
            byte[] m3 = a.WriteMessage();
            Assert.Equal(48 + IdentityPayload.Size + 16, m3.Length);
            b.ReadMessage(m3, 0, m3.Length);

            Assert.True(a.IsComplete && b.IsComplete);
            Assert.Equal(Alice.NodeId, b.RemoteIdentity.NodeId);
            Assert.Equal(Alice.SigningPublicKey, b.RemoteIdentity.SigningKey);
            Assert.Equal(Alice.EncryptionPublicKey, b.RemoteIdentity.EncryptionKey);
            Assert.Equal(Bob.EncryptionPublicKey, a.RemoteIdentity.EncryptionKey);
            Assert.Equal(a.HandshakeHash, b.HandshakeHash);

            RecordCipher ra = a.CreateRecordCipher();
            RecordCipher rb = b.CreateRecordCipher();
            byte[] hello = Encoding.UTF8.GetBytes("hello Bob");
            byte[] record = ra.Seal(hello, 0, hello.Length);
            Assert.Equal(RecordStatus.Opened, rb.TryOpen(record, 0, record.Length, out byte[] opened, out _));
            Assert.Equal(hello, opened);
            record = rb.Seal(opened, 0, opened.Length);
            Assert.Equal(RecordStatus.Opened, ra.TryOpen(record, 0, record.Length, out opened, out _));
            Assert.Equal(hello, opened);
            Assert.Throws<NoiseException>(() => a.CreateRecordCipher()); // the ciphers are handed out once
        }

        [Fact]
        public void Message_1_shows_nothing_and_neither_identity_travels_in_the_clear()
        {
            var a = Initiator(Alice);
            var b = Responder(Bob);
            var seen = new System.Collections.Generic.List<byte[]>();
            Run(a, b, (i, m) => { seen.Add(m); return m; });

            foreach (byte[] m in seen)
            {
                Assert.False(Frames.Contains(m, Alice.SigningPublicKey));
                Assert.False(Frames.Contains(m, Bob.SigningPublicKey));
                Assert.False(Frames.Contains(m, Alice.EncryptionPublicKey));
                Assert.False(Frames.Contains(m, Bob.EncryptionPublicKey));
            }
        }

        [Fact]
        public void A_flipped_byte_anywhere_in_any_handshake_message_fails_the_handshake_cleanly()
        {
            for (int message = 0; message < 3; message++)
            {
                int length = new[] { 32, 32 + 48 + IdentityPayload.Size + 16, 48 + IdentityPayload.Size + 16 }[message];
                for (int position = 0; position < length; position++)
                {
                    var a = Initiator(Alice);
                    var b = Responder(Bob);
                    int target = message, at = position;
                    Assert.Throws<NoiseException>(() => Run(a, b, (i, m) =>
                    {
                        if (i == target) m[at] ^= 0x01;
                        return m;
                    }));
                    Assert.False(b.IsComplete, "message " + message + " byte " + position);
                    Assert.Null(b.RemoteIdentity);
                    if (message < 2) Assert.False(a.IsComplete);
                }
            }
        }

        [Fact]
        public void A_man_in_the_middle_with_his_own_static_key_fails_the_identity_check_on_either_side()
        {
            // Mallory answers Alice with his own Noise static key and Bob's genuine identity payload (signed over Bob's static key).
            var bobStatic = NewStatic();
            byte[] bobPayload = IdentityPayload.Encode(Bob, bobStatic.GeneratePublicKey().GetEncoded());
            var a = Initiator(Alice);
            var mallory = new HandshakeState(false, Prologue, NewStatic());
            byte[] m1 = a.WriteMessage();
            mallory.ReadMessage(m1, 0, m1.Length);
            byte[] m2 = mallory.WriteMessage(bobPayload);
            Assert.Throws<NoiseException>(() => a.ReadMessage(m2, 0, m2.Length));
            Assert.Null(a.RemoteIdentity);
            Assert.False(a.IsMyTurnToWrite);
            Assert.Throws<NoiseException>(() => a.WriteMessage()); // Alice's identity never goes out

            // Mallory dials Bob and replays Alice's payload in message 3 under his own static key.
            var aliceStatic = NewStatic();
            byte[] alicePayload = IdentityPayload.Encode(Alice, aliceStatic.GeneratePublicKey().GetEncoded());
            var b = Responder(Bob);
            var dialler = new HandshakeState(true, Prologue, NewStatic());
            byte[] n1 = dialler.WriteMessage(Array.Empty<byte>());
            b.ReadMessage(n1, 0, n1.Length);
            byte[] n2 = b.WriteMessage();
            dialler.ReadMessage(n2, 0, n2.Length);
            byte[] n3 = dialler.WriteMessage(alicePayload);
            Assert.Throws<NoiseException>(() => b.ReadMessage(n3, 0, n3.Length));
            Assert.Null(b.RemoteIdentity);
            Assert.False(b.IsComplete);
            Assert.Throws<NoiseException>(() => b.CreateRecordCipher());
        }

        [Fact]
        public void A_man_in_the_middle_under_his_own_identity_is_seen_as_himself_and_refused_by_a_dialler_who_named_Bob()
        {
            var a = Initiator(Alice);
            var m = Responder(Mallory);
            Run(a, m);
            Assert.Equal(Mallory.NodeId, a.RemoteIdentity.NodeId); // never Bob's id: that needs Bob's key

            var careful = Initiator(Alice, Bob.NodeId);
            var m2 = Responder(Mallory);
            byte[] first = careful.WriteMessage();
            m2.ReadMessage(first, 0, first.Length);
            byte[] second = m2.WriteMessage();
            Assert.Throws<NoiseException>(() => careful.ReadMessage(second, 0, second.Length));
            Assert.Throws<NoiseException>(() => careful.WriteMessage()); // message 3 (Alice's identity) is not sent
        }

        [Fact]
        public void An_identity_payload_verifies_only_whole_for_its_own_static_key()
        {
            byte[] staticKey = NewStatic().GeneratePublicKey().GetEncoded();
            byte[] payload = IdentityPayload.Encode(Alice, staticKey);
            var verifier = new SignatureVerifier();
            Assert.True(IdentityPayload.TryVerify(verifier, payload, staticKey, out LinkIdentity ok));
            Assert.Equal(Alice.NodeId, ok.NodeId);
            Assert.Equal(staticKey, ok.NoiseStaticKey);

            Assert.False(IdentityPayload.TryVerify(verifier, payload, NewStatic().GeneratePublicKey().GetEncoded(), out _));
            Assert.False(IdentityPayload.TryVerify(verifier, payload.AsSpan(0, payload.Length - 1).ToArray(), staticKey, out _));
            Assert.False(IdentityPayload.TryVerify(verifier, Frames.Concat(payload, new byte[1]), staticKey, out _));
            Assert.False(IdentityPayload.TryVerify(verifier, Array.Empty<byte>(), staticKey, out _));
            for (int i = 0; i < payload.Length; i++)
            {
                byte[] flipped = (byte[])payload.Clone();
                flipped[i] ^= 0x80;
                Assert.False(IdentityPayload.TryVerify(verifier, flipped, staticKey, out LinkIdentity none), "byte " + i);
                Assert.Null(none);
            }
        }

        [Fact]
        public void Message_1_with_a_payload_is_refused()
        {
            var dialler = new HandshakeState(true, Prologue, NewStatic());
            var b = Responder(Bob);
            byte[] m1 = dialler.WriteMessage(new byte[] { 1 });
            Assert.Throws<NoiseException>(() => b.ReadMessage(m1, 0, m1.Length));
            Assert.Throws<NoiseException>(() => b.WriteMessage()); // failed for good
        }

        [Fact]
        public void Different_prologues_fail_at_message_2()
        {
            var a = new NoiseLinkHandshake(true, Alice, NewStatic(), Encoding.ASCII.GetBytes("v1"), new SignatureVerifier());
            var b = new NoiseLinkHandshake(false, Bob, NewStatic(), Encoding.ASCII.GetBytes("v2"), new SignatureVerifier());
            byte[] m1 = a.WriteMessage();
            b.ReadMessage(m1, 0, m1.Length);
            byte[] m2 = b.WriteMessage();
            Assert.Throws<NoiseException>(() => a.ReadMessage(m2, 0, m2.Length));
        }

        [Fact]
        public void Out_of_turn_short_oversized_and_low_order_messages_fail_with_a_NoiseException()
        {
            var a = new HandshakeState(true, Prologue, NewStatic());
            Assert.Throws<NoiseException>(() => a.ReadMessage(new byte[32], 0, 32)); // the initiator writes first
            Assert.Throws<NoiseException>(() => a.WriteMessage(Array.Empty<byte>()));  // and a failed state stays failed

            var b = new HandshakeState(false, Prologue, NewStatic());
            Assert.Throws<NoiseException>(() => b.ReadMessage(new byte[31], 0, 31));
            var c = new HandshakeState(false, Prologue, NewStatic());
            Assert.Throws<NoiseException>(() => c.ReadMessage(new byte[65536], 0, 65536));
            var d = new HandshakeState(true, Prologue, NewStatic());
            Assert.Throws<NoiseException>(() => d.WriteMessage(new byte[65535 - 31]));

            // An all-zero ephemeral key is a low-order point: the responder's DH refuses it when it writes message 2.
            var e = new HandshakeState(false, Prologue, NewStatic());
            e.ReadMessage(new byte[32], 0, 32);
            Assert.Throws<NoiseException>(() => e.WriteMessage(Array.Empty<byte>()));

            // Message 2 cut short at every length: the initiator fails cleanly.
            for (int cut = 0; cut < 32 + 48 + 16 + 10; cut++)
            {
                var initiator = new HandshakeState(true, Prologue, NewStatic());
                var responder = new HandshakeState(false, Prologue, NewStatic());
                byte[] m1 = initiator.WriteMessage(Array.Empty<byte>());
                responder.ReadMessage(m1, 0, m1.Length);
                byte[] m2 = responder.WriteMessage(new byte[10]);
                Assert.Throws<NoiseException>(() => initiator.ReadMessage(m2, 0, cut));
            }
        }
    }
}
