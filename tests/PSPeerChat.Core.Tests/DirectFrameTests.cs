using System;
using System.Linq;
using System.Text;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>DIRECT: end-to-end encrypted to one recipient, the sender hidden inside; relays see only the header.</summary>
    public class DirectFrameTests
    {
        private static readonly NodeIdentity Sender = NodeIdentity.Create();
        private static readonly NodeIdentity Recipient = NodeIdentity.Create();
        private static readonly NodeIdentity Bystander = NodeIdentity.Create();

        // Body: type(1) flags(1) hopLimit(1) id(16) recipientId(16) ts(8) ephemeralKey(32) nonce(12) ciphertext hops(1).
        private const int RecipientAt = 19;
        private const int TimeAt = 35;

        private static FloodMessage Create(string text = "meet me at noon", string name = "sender-name", byte hopLimit = 32, long ts = 1_700_000_000_000)
        {
            return DirectFrame.Create(Sender, name, Id128.NewRandom(), Recipient.NodeId, Recipient.EncryptionPublicKey, ts, hopLimit, text);
        }

        private static FloodMessage Padded(string text, string name = "alice", MessageFlags flags = MessageFlags.None)
        {
            return DirectFrame.Create(Sender, name, Id128.NewRandom(), Recipient.NodeId, Recipient.EncryptionPublicKey, 1_700_000_000_000, 32, text, flags, pad: true);
        }

        private static FloodMessage Decode(byte[] frame)
        {
            FloodMessage m = DirectFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error);
            if (m == null) throw new Xunit.Sdk.XunitException("DIRECT did not decode: " + error);
            return m;
        }

        private static bool Opens(FloodMessage m, NodeIdentity who, out string error) => DirectFrame.TryOpen(m, who, new SignatureVerifier(), out _, out error);

        [Theory]
        [InlineData("meet me at noon", "sender-name")]
        [InlineData("", "")]
        [InlineData("grüße – こんにちは 👋🏽\nzweite Zeile", "Zoë 🎉")]
        public void Create_then_decode_and_open_returns_every_field(string text, string name)
        {
            FloodMessage created = DirectFrame.Create(Sender, name, Id128.NewRandom(), Recipient.NodeId, Recipient.EncryptionPublicKey, 1_700_000_000_321, 12, text);
            Assert.Equal(1, created.Frame[created.Frame.Length - 1]);
            Assert.Equal((byte)FrameType.Direct, created.Frame[ProtocolLimits.LengthPrefix]);

            FloodMessage relayed = Decode(created.Frame);
            Assert.Equal(FrameType.Direct, relayed.Type);
            Assert.Equal(created.Id, relayed.Id);
            Assert.Equal(Recipient.NodeId, relayed.RecipientId);
            Assert.Equal(1_700_000_000_321, relayed.TimestampMs);
            Assert.Equal(1, relayed.Hops);
            Assert.Equal(12, relayed.HopLimit);
            Assert.True(relayed.OriginId.IsEmpty); // a relay learns nothing of the sender
            Assert.Null(relayed.Text);
            Assert.True(MessageFrame.TryPeekId(created.Frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(created.Frame), out Id128 peeked));
            Assert.Equal(created.Id, peeked);

            Assert.True(DirectFrame.TryOpen(relayed, Recipient, new SignatureVerifier(), out byte[] senderKey, out string error), error);
            Assert.Equal(Sender.NodeId, relayed.OriginId);
            Assert.Equal(name, relayed.OriginName);
            Assert.Equal(text, relayed.Text);
            Assert.Equal(Sender.SigningPublicKey, senderKey);
        }

        [Fact]
        public void The_frame_carries_neither_the_text_nor_the_sender_in_clear()
        {
            string text = "the launch code is 0000-" + Guid.NewGuid();
            FloodMessage created = Create(text, "very-recognisable-sender");
            byte[] frame = created.Frame;

            Assert.False(Frames.Contains(frame, Encoding.UTF8.GetBytes(text)));
            Assert.False(Frames.Contains(frame, Encoding.UTF8.GetBytes("very-recognisable-sender")));
            byte[] senderId = new byte[16];
            Sender.NodeId.Write(senderId, 0);
            Assert.False(Frames.Contains(frame, senderId));
            Assert.False(Frames.Contains(frame, Sender.SigningPublicKey));
            Assert.False(Frames.Contains(frame, Sender.EncryptionPublicKey));
            // The recipient is visible: relays need it to know where the frame ends.
            Assert.Equal(Recipient.NodeId, Id128.Read(frame, ProtocolLimits.LengthPrefix + RecipientAt));
        }

        [Fact]
        public void Two_frames_of_the_same_text_look_unrelated()
        {
            byte[] a = Create("same text").Frame;
            byte[] b = Create("same text").Frame;

            Assert.Equal(a.Length, b.Length);
            int start = ProtocolLimits.LengthPrefix + TimeAt + 8; // after the clear id, recipient and time
            int same = Enumerable.Range(start, a.Length - 1 - start).Count(i => a[i] == b[i]);
            Assert.True(same < (a.Length - start) / 8, same + " of " + (a.Length - start) + " key/nonce/ciphertext bytes are equal");
        }

        [Fact]
        public void Nobody_but_the_recipient_can_open_it()
        {
            FloodMessage m = Decode(Create().Frame);

            Assert.False(Opens(m, Bystander, out string error));
            Assert.Contains("authentication", error);
            Assert.False(Opens(m, Sender, out _)); // not even the sender
            Assert.True(Opens(Decode(Create().Frame), Recipient, out error), error);
        }

        [Fact]
        public void Flipping_any_byte_but_the_hop_count_makes_the_recipient_refuse_it()
        {
            byte[] frame = Create("tamper with me", "s", hopLimit: 200).Frame;

            for (int i = ProtocolLimits.LengthPrefix; i < frame.Length - 1; i++)
            {
                byte[] flipped = (byte[])frame.Clone();
                flipped[i] ^= 0x01;
                FloodMessage m = DirectFrame.TryDecode(flipped, ProtocolLimits.LengthPrefix, Frames.BodyLength(flipped), out _);
                if (m == null) continue;
                Assert.False(Opens(m, Recipient, out _), "flipping byte " + i + " of " + frame.Length + " still opens");
            }
            for (int hops = 1; hops <= 200; hops += 13)
            {
                Assert.True(Opens(Decode(Frames.WithHops(frame, (byte)hops)), Recipient, out string error), "hop count " + hops + ": " + error);
            }
        }

        [Fact]
        public void No_truncation_opens()
        {
            byte[] frame = Create("cut me short").Frame;
            int body = Frames.BodyLength(frame);

            for (int length = 0; length < body; length++)
            {
                byte[] cut = Frames.Prefixed(Frames.Body(frame).Take(length).ToArray());
                FloodMessage m = DirectFrame.TryDecode(cut, ProtocolLimits.LengthPrefix, length, out string error);
                if (m == null)
                {
                    Assert.False(string.IsNullOrEmpty(error));
                    continue;
                }
                Assert.False(Opens(m, Recipient, out _), "cut at " + length + " of " + body + " still opens");
            }
        }

        [Fact]
        public void Decode_checks_the_hop_count_against_the_hop_limit()
        {
            byte[] frame = Create(hopLimit: 5).Frame;

            Assert.Null(DirectFrame.TryDecode(Frames.WithHops(frame, 0), ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out string error));
            Assert.Contains("hop", error);
            Assert.Null(DirectFrame.TryDecode(Frames.WithHops(frame, 6), ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _));
            Assert.NotNull(DirectFrame.TryDecode(Frames.WithHops(frame, 5), ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out _));
        }

        [Fact]
        public void The_plaintext_holds_the_content_flags_and_the_text_length_after_the_name_then_text_and_signature()
        {
            byte[] frame = Create("hello there", "ann").Frame;
            byte[] plain = DirectPlaintext.Open(frame, Recipient);

            Assert.Equal(Sender.NodeId, Id128.Read(plain, 0));
            Assert.Equal(Sender.SigningPublicKey, plain.Skip(16).Take(32).ToArray());
            Assert.Equal(3, plain[DirectPlaintext.NameLengthAt]);
            Assert.Equal("ann", Encoding.UTF8.GetString(plain, 49, 3));
            Assert.Equal(0, plain[52]); // contentFlags: text (§3.13)
            Assert.Equal(new byte[] { 0, 11 }, plain.Skip(53).Take(2).ToArray()); // big-endian
            Assert.Equal("hello there", Encoding.UTF8.GetString(plain, 55, 11));
            Assert.Equal(55 + 11 + 64, plain.Length); // the signature ends it: no padding unless asked for

            byte[] json = DirectFrame.Create(Sender, "ann", Id128.NewRandom(), Recipient.NodeId, Recipient.EncryptionPublicKey, 1_700_000_000_000, 32, "{}", content: MessageFlags.Json).Frame;
            Assert.Equal((byte)MessageFlags.Json, DirectPlaintext.Open(json, Recipient)[52]);
            Assert.Equal(0, json[ProtocolLimits.LengthPrefix + 1]); // not in the clear header: relays do not learn it is an object
            FloodMessage m = Decode(json);
            Assert.True(Opens(m, Recipient, out string error), error);
            Assert.Equal(MessageFlags.Json, m.ContentFlags);
        }

        [Fact]
        public void Unknown_content_flag_bits_are_ignored_and_the_flags_are_signed()
        {
            // A sender of a later version may set other bits: the recipient reads bit 2 only.
            FloodMessage later = Decode(DirectFrame.Create(Sender, "s", Id128.NewRandom(), Recipient.NodeId, Recipient.EncryptionPublicKey, 1_700_000_000_000, 32, "{}", content: (MessageFlags)0x84).Frame);
            Assert.True(Opens(later, Recipient, out string error), error);
            Assert.Equal(MessageFlags.Json, later.ContentFlags);
            FloodMessage other = Decode(DirectFrame.Create(Sender, "s", Id128.NewRandom(), Recipient.NodeId, Recipient.EncryptionPublicKey, 1_700_000_000_000, 32, "text", content: (MessageFlags)0x80).Frame);
            Assert.True(Opens(other, Recipient, out error), error);
            Assert.Equal(MessageFlags.None, other.ContentFlags);

            // Nobody but the sender can flip them: they are inside the signature.
            byte[] frame = Create("plain", "s").Frame;
            byte[] plain = DirectPlaintext.Open(frame, Recipient);
            plain[DirectPlaintext.ContentFlagsAt(plain)] = (byte)MessageFlags.Json;
            Assert.False(Opens(Decode(DirectPlaintext.Seal(frame, Recipient, plain)), Recipient, out error));
            Assert.Equal("DIRECT with a bad sender signature", error);
        }

        [Fact]
        public void Zero_bytes_after_the_signature_open_and_give_back_the_exact_text()
        {
            byte[] frame = Create("padded by hand", "s").Frame;
            byte[] plain = DirectPlaintext.Open(frame, Recipient);

            byte[] padded = DirectPlaintext.Seal(frame, Recipient, plain.Concat(new byte[300]).ToArray());

            FloodMessage m = Decode(padded);
            Assert.True(Opens(m, Recipient, out string error), error);
            Assert.Equal("padded by hand", m.Text);
            Assert.Equal(Sender.NodeId, m.OriginId);
        }

        [Theory]
        [InlineData(0)]   // the last byte of the padding
        [InlineData(-1)]  // the first, right after the signature
        [InlineData(-50)]
        public void A_padding_byte_that_is_not_zero_is_refused(int where)
        {
            byte[] frame = Create("padded by hand", "s").Frame;
            byte[] plain = DirectPlaintext.Open(frame, Recipient).Concat(new byte[50]).ToArray();
            plain[where == 0 ? plain.Length - 1 : plain.Length + where] = 0x01;

            FloodMessage m = Decode(DirectPlaintext.Seal(frame, Recipient, plain));

            Assert.False(Opens(m, Recipient, out string error));
            Assert.Equal("DIRECT padding is not zero", error);
            Assert.Null(m.Text);
        }

        [Theory]
        [InlineData(0, 1)]    // one byte more than the text and signature leave room for
        [InlineData(20, 21)]  // with padding: one byte more than the padding too
        [InlineData(20, 4000)]
        public void A_text_length_that_runs_past_the_plaintext_is_refused(int padding, int extra)
        {
            byte[] frame = Create("twelve bytes", "s").Frame;
            byte[] plain = DirectPlaintext.Open(frame, Recipient).Concat(new byte[padding]).ToArray();
            BigEndian.WriteUInt16(plain, DirectPlaintext.TextLengthAt(plain), (ushort)(12 + extra));

            FloodMessage m = Decode(DirectPlaintext.Seal(frame, Recipient, plain));

            Assert.False(Opens(m, Recipient, out string error));
            Assert.Equal("DIRECT text length runs past the plaintext", error);
        }

        [Fact]
        public void A_text_length_over_the_limit_is_refused_as_such()
        {
            byte[] frame = Create("short", "s").Frame;
            byte[] plain = DirectPlaintext.Open(frame, Recipient).Concat(new byte[ProtocolLimits.MaxTextBytes]).ToArray();
            BigEndian.WriteUInt16(plain, DirectPlaintext.TextLengthAt(plain), ProtocolLimits.MaxTextBytes + 1);

            Assert.False(Opens(Decode(DirectPlaintext.Seal(frame, Recipient, plain)), Recipient, out string error));
            Assert.Equal("DIRECT text longer than 64000 bytes", error);
        }

        [Fact]
        public void The_text_length_is_signed_so_moving_text_into_the_padding_breaks_the_signature()
        {
            // Five zero bytes of padding, and a text length that takes them in: the text would end in five NULs. The
            // plaintext is well formed, but the signature no longer sits where the sender put it.
            byte[] frame = Create("abc", "s").Frame;
            byte[] plain = DirectPlaintext.Open(frame, Recipient).Concat(new byte[5]).ToArray();
            BigEndian.WriteUInt16(plain, DirectPlaintext.TextLengthAt(plain), 8);

            Assert.False(Opens(Decode(DirectPlaintext.Seal(frame, Recipient, plain)), Recipient, out string error));
            Assert.Equal("DIRECT with a bad sender signature", error);
        }

        [Theory]
        [InlineData(1, 256)]
        [InlineData(31, 256)]    // 220 + 5 + 31: exactly full
        [InlineData(32, 512)]
        [InlineData(100, 512)]
        [InlineData(300, 1024)]
        [InlineData(1500, 2048)]
        [InlineData(1823, 2048)] // exactly full
        [InlineData(1824, 4096)] // above 2048: multiples of 2048
        [InlineData(3000, 4096)]
        [InlineData(9000, 10240)]
        [InlineData(ProtocolLimits.MaxTextBytes, 65536)] // the next multiple is the frame limit itself
        public void A_padded_body_lands_exactly_on_its_size_class_and_opens_to_the_exact_text(int textBytes, int body)
        {
            string text = new string('x', textBytes - 1) + "!";
            byte[] frame = Padded(text).Frame;

            Assert.Equal(body, Frames.BodyLength(frame));
            Assert.Equal((uint)body, BigEndian.ReadUInt32(frame, 0));
            byte[] plain = DirectPlaintext.Open(frame, Recipient);
            Assert.Equal(textBytes, DirectPlaintext.TextLength(plain));
            Assert.Equal(body - 220 - 5 - textBytes, DirectPlaintext.PaddingLength(plain));
            Assert.All(plain.Skip(plain.Length - DirectPlaintext.PaddingLength(plain)), b => Assert.Equal(0, b));

            FloodMessage m = Decode(frame);
            Assert.True(Opens(m, Recipient, out string error), error);
            Assert.Equal(text, m.Text);
            Assert.Equal("alice", m.OriginName);
        }

        [Fact]
        public void The_longest_name_and_text_with_a_proof_of_work_nonce_still_fit_the_frame_limit()
        {
            string name = new string('n', ProtocolLimits.MaxNameBytes);
            string text = new string('t', ProtocolLimits.MaxTextBytes);

            FloodMessage m = Padded(text, name, MessageFlags.ProofOfWork);

            Assert.Equal(ProtocolLimits.MaxFrameBody, Frames.BodyLength(m.Frame)); // 64,292 unpadded
            FloodMessage relayed = Decode(m.Frame);
            Assert.True(Opens(relayed, Recipient, out string error), error);
            Assert.Equal(text, relayed.Text);
        }

        [Fact]
        public void Padded_messages_of_one_class_have_one_length_whatever_their_text_and_name()
        {
            Assert.Equal(new[] { 256 }, new[] { "", "a", "ok", "see you at 6" }.Select(t => Frames.BodyLength(Padded(t).Frame)).Distinct());
            Assert.Equal(new[] { 1024 }, new[] { 300, 555, 800 }.Select(n => Frames.BodyLength(Padded(new string('y', n), "n" + n).Frame)).Distinct());
            Assert.Equal(new[] { 2048 }, new[] { 1100, 1500, 1800 }.Select(n => Frames.BodyLength(Padded(new string('é', n / 2)).Frame)).Distinct());
            // Without padding the same texts tell their lengths.
            Assert.Equal(4, new[] { "", "a", "ok", "see you at 6" }.Select(t => Frames.BodyLength(Create(t, "alice").Frame)).Distinct().Count());
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_padded_and_an_unpadded_DIRECT_both_open_to_the_exact_text(bool pad)
        {
            const string text = "grüße – こんにちは 👋🏽";
            FloodMessage created = DirectFrame.Create(Sender, "Zoë", Id128.NewRandom(), Recipient.NodeId, Recipient.EncryptionPublicKey, 1_700_000_000_000, 32, text, pad: pad);
            int unpadded = 220 + Encoding.UTF8.GetByteCount("Zoë") + Encoding.UTF8.GetByteCount(text);
            Assert.Equal(260, unpadded); // 4 bytes past the smallest class

            Assert.Equal(pad ? 512 : unpadded, Frames.BodyLength(created.Frame));
            FloodMessage m = Decode(created.Frame);
            Assert.True(DirectFrame.TryOpen(m, Recipient, new SignatureVerifier(), out byte[] senderKey, out string error), error);
            Assert.Equal(text, m.Text);
            Assert.Equal("Zoë", m.OriginName);
            Assert.Equal(Sender.NodeId, m.OriginId);
            Assert.Equal(Sender.SigningPublicKey, senderKey);
        }

        [Fact]
        public void A_text_that_ends_in_NUL_characters_keeps_them_when_padded()
        {
            // The text's length is a field: zero bytes of the text are not taken for padding, nor padding for text.
            string text = "abc\0\0\0";
            FloodMessage m = Decode(Padded(text).Frame);
            Assert.True(Opens(m, Recipient, out string error), error);
            Assert.Equal(text, m.Text);
            Assert.Equal(6, m.Text.Length);
        }

        [Fact]
        public void Create_refuses_text_over_the_limit()
        {
            Assert.Throws<ArgumentException>(() => Create(new string('t', ProtocolLimits.MaxTextBytes + 1)));
            FloodMessage max = Create(new string('t', ProtocolLimits.MaxTextBytes));
            Assert.True(Frames.BodyLength(max.Frame) <= ProtocolLimits.MaxFrameBody);
            Assert.Throws<ArgumentException>(() => Padded(new string('t', ProtocolLimits.MaxTextBytes + 1)));
        }
    }
}
