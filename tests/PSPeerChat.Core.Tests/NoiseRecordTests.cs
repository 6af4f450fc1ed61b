using System;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using PSPeerChat.Protocol.Noise;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>The transport phase of an encrypted link (protocol.md §9.4): length-prefixed AEAD records, a counter nonce per direction, rekeying.</summary>
    public class NoiseRecordTests
    {
        private static readonly SecureRandom Random = new SecureRandom();

        /// <summary>Both ends of a fresh XX handshake (no identities: the records do not depend on them).</summary>
        private static (HandshakeState initiator, HandshakeState responder) Handshake()
        {
            var i = new HandshakeState(true, null, new X25519PrivateKeyParameters(Random));
            var r = new HandshakeState(false, null, new X25519PrivateKeyParameters(Random));
            for (int n = 0; n < 3; n++)
            {
                HandshakeState sender = n % 2 == 0 ? i : r;
                HandshakeState receiver = n % 2 == 0 ? r : i;
                byte[] m = sender.WriteMessage(Array.Empty<byte>());
                receiver.ReadMessage(m, 0, m.Length);
            }
            return (i, r);
        }

        private static (RecordCipher initiator, RecordCipher responder) Pair(long rekeyRecords = RecordCipher.RekeyAfterRecords, long rekeyBytes = RecordCipher.RekeyAfterBytes)
        {
            var (i, r) = Handshake();
            return (new RecordCipher(i.SendCipher, i.ReceiveCipher, rekeyRecords, rekeyBytes),
                    new RecordCipher(r.SendCipher, r.ReceiveCipher, rekeyRecords, rekeyBytes));
        }

        private static byte[] Bytes(int length, int seed)
        {
            byte[] b = new byte[length];
            new System.Random(seed).NextBytes(b);
            return b;
        }

        private static byte[] Open(RecordCipher cipher, byte[] record)
        {
            Assert.Equal(RecordStatus.Opened, cipher.TryOpen(record, 0, record.Length, out byte[] plaintext, out int consumed));
            Assert.Equal(record.Length, consumed);
            return plaintext;
        }

        [Fact]
        public void Records_of_every_size_travel_both_ways_with_a_two_byte_length_and_a_16_byte_tag()
        {
            var (a, b) = Pair();
            foreach (int size in new[] { 0, 1, 100, 4096, RecordCipher.MaxPlaintext })
            {
                byte[] text = Bytes(size, size);
                byte[] record = a.Seal(text, 0, size);
                Assert.Equal(2 + size + 16, record.Length);
                Assert.Equal(size + 16, (record[0] << 8) | record[1]);
                Assert.Equal(text, Open(b, record));
                Assert.Equal(text, Open(a, b.Seal(text, 0, size)));
            }
            Assert.Equal(5UL, a.RecordsSent);
            Assert.Equal(5UL, b.RecordsReceived);
            Assert.Throws<ArgumentOutOfRangeException>(() => a.Seal(new byte[RecordCipher.MaxPlaintext + 1], 0, RecordCipher.MaxPlaintext + 1));
        }

        [Fact]
        public void A_flipped_byte_anywhere_in_a_record_fails_and_the_receiving_side_stays_failed()
        {
            byte[] text = Bytes(40, 1);
            for (int position = 0; position < 2 + 40 + 16; position++)
            {
                var (a, b) = Pair();
                // Followed by more bytes, so that a length prefix changed upwards finds a whole (wrong) record too.
                byte[] stream = Frames.Concat(a.Seal(text, 0, text.Length), new byte[2048]);
                stream[position] ^= 0x04;
                RecordStatus status = b.TryOpen(stream, 0, stream.Length, out byte[] plaintext, out int consumed);
                Assert.Equal(RecordStatus.Failed, status);
                Assert.Null(plaintext);
                Assert.Equal(0, consumed);
                Assert.True(b.ReceiveFailed);

                byte[] good = a.Seal(text, 0, text.Length);
                Assert.Equal(RecordStatus.Failed, b.TryOpen(good, 0, good.Length, out _, out _));
            }
        }

        [Fact]
        public void A_replayed_or_reordered_record_fails()
        {
            var (a, b) = Pair();
            byte[] first = a.Seal(Bytes(10, 1), 0, 10);
            Open(b, first);
            Assert.Equal(RecordStatus.Failed, b.TryOpen(first, 0, first.Length, out _, out _)); // replayed

            var (c, d) = Pair();
            byte[] one = c.Seal(Bytes(10, 1), 0, 10);
            byte[] two = c.Seal(Bytes(10, 2), 0, 10);
            Assert.Equal(RecordStatus.Failed, d.TryOpen(two, 0, two.Length, out _, out _)); // reordered
            Assert.Equal(RecordStatus.Failed, d.TryOpen(one, 0, one.Length, out _, out _));

            // A record sent one way cannot be reflected back: each direction has its own key.
            var (e, _) = Pair();
            byte[] mine = e.Seal(Bytes(10, 3), 0, 10);
            Assert.Equal(RecordStatus.Failed, e.TryOpen(mine, 0, mine.Length, out _, out _));
        }

        [Fact]
        public void Partial_and_back_to_back_records_open_in_order()
        {
            var (a, b) = Pair();
            byte[] r1 = a.Seal(Bytes(30, 1), 0, 30);
            byte[] r2 = a.Seal(Bytes(5, 2), 0, 5);
            byte[] stream = Frames.Concat(r1, r2);

            for (int available = 0; available < r1.Length; available++)
            {
                Assert.Equal(RecordStatus.Incomplete, b.TryOpen(stream, 0, available, out _, out int none));
                Assert.Equal(0, none);
            }
            Assert.Equal(RecordStatus.Opened, b.TryOpen(stream, 0, stream.Length, out byte[] p1, out int used));
            Assert.Equal(Bytes(30, 1), p1);
            Assert.Equal(RecordStatus.Opened, b.TryOpen(stream, used, stream.Length - used, out byte[] p2, out int used2));
            Assert.Equal(Bytes(5, 2), p2);
            Assert.Equal(stream.Length, used + used2);
        }

        [Fact]
        public void A_length_below_the_tag_size_fails_at_once()
        {
            var (_, b) = Pair();
            byte[] record = { 0, 15, 1, 2, 3 };
            Assert.Equal(RecordStatus.Failed, b.TryOpen(record, 0, record.Length, out _, out _));
        }

        [Fact]
        public void Both_sides_rekey_at_the_same_record_and_keep_in_step()
        {
            var (a, b) = Pair(rekeyRecords: 3, rekeyBytes: 1000);
            for (int n = 0; n < 40; n++)
            {
                int size = (n * 97) % 700;
                byte[] text = Bytes(size, n);
                Assert.Equal(text, Open(b, a.Seal(text, 0, size)));
                Assert.Equal(text, Open(a, b.Seal(text, 0, size)));
            }
            Assert.True(a.SendRekeys >= 40 / 3);
            Assert.Equal(a.SendRekeys, b.ReceiveRekeys);
            Assert.Equal(b.SendRekeys, a.ReceiveRekeys);
            Assert.Equal(40UL, b.RecordsReceived); // the nonce keeps counting across rekeys
        }

        [Fact]
        public void A_receiver_that_does_not_rekey_cannot_read_past_the_bound()
        {
            var (i, r) = Handshake();
            var rekeying = new RecordCipher(i.SendCipher, i.ReceiveCipher, 2, long.MaxValue);
            var never = new RecordCipher(r.SendCipher, r.ReceiveCipher, long.MaxValue, long.MaxValue);

            Open(never, rekeying.Seal(new byte[1], 0, 1));
            Open(never, rekeying.Seal(new byte[1], 0, 1));
            byte[] third = rekeying.Seal(new byte[1], 0, 1); // under the new key
            Assert.Equal(RecordStatus.Failed, never.TryOpen(third, 0, third.Length, out _, out _));
        }

        [Fact]
        public void The_byte_bound_rekeys_too()
        {
            var (a, b) = Pair(rekeyRecords: long.MaxValue, rekeyBytes: 1000);
            byte[] text = Bytes(600, 9);
            for (int n = 0; n < 6; n++) Assert.Equal(text, Open(b, a.Seal(text, 0, text.Length)));
            Assert.Equal(3, a.SendRekeys); // after records 2, 4 and 6
            Assert.Equal(3, b.ReceiveRekeys);
        }
    }
}
