using System;
using System.Linq;
using System.Text;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class MessageFrameTests
    {
        private static readonly NodeIdentity Origin = NodeIdentity.Create();

        public static TheoryData<string, string> NamesAndTexts => new TheoryData<string, string>
        {
            { "alice", "hello, world" },
            { "Zoë 日本 🎉", "grüße – こんにちは 👋🏽" },
            { "bob", "" },
            { "", "a message with no name" },
            { new string('n', ProtocolLimits.MaxNameBytes), "max-size ASCII name" },
            { new string('é', ProtocolLimits.MaxNameBytes / 2), "max-size name of 2-byte characters" },
            { "carol", "line one\nline two\r\nline three" },
            { "dave", new string('t', ProtocolLimits.MaxTextBytes) },
            { new string('n', ProtocolLimits.MaxNameBytes), new string('€', ProtocolLimits.MaxTextBytes / 3) }, // 3-byte characters, exactly at the limit
        };

        private static FloodMessage TryDecode(byte[] frame, out string error) => MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.BodyLength(frame), out error);

        [Theory]
        [MemberData(nameof(NamesAndTexts))]
        public void CreateMessage_then_decode_returns_every_field_and_the_signature_verifies(string name, string text)
        {
            var id = new Id128(0x1111222233334444UL, 0x5555666677778888UL);
            FloodMessage created = MessageFrame.CreateMessage(Origin, id, name, 1_700_000_123_456, 17, MessageFlags.TextOrigin, text);

            Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(created.Frame, 0, created.Frame.Length, out int bodyLength));
            Assert.Equal(Frames.MessageMinBody + Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(text), bodyLength);
            Assert.True(bodyLength <= ProtocolLimits.MaxFrameBody);
            Assert.Equal(1, created.Frame[created.Frame.Length - 1]); // the hop count is the last byte: 1 on the origin's copy

            FloodMessage decoded = MessageFrame.TryDecode(created.Frame, ProtocolLimits.LengthPrefix, bodyLength, out string error);

            Assert.True(decoded != null, error);
            Assert.Equal(FrameType.Message, decoded.Type);
            Assert.Equal(id, decoded.Id);
            Assert.Equal(Origin.NodeId, decoded.OriginId);
            Assert.Equal(name, decoded.OriginName);
            Assert.Equal(text, decoded.Text);
            Assert.Equal(1_700_000_123_456, decoded.TimestampMs);
            Assert.Equal(1, decoded.Hops);
            Assert.Equal(17, decoded.HopLimit);
            Assert.Equal(MessageFlags.TextOrigin, decoded.Flags);
            Assert.True(decoded.IsTextOrigin);
            Assert.Equal(Origin.SigningPublicKey, MessageFrame.OriginKey(decoded));
            Assert.Equal(created.Frame, decoded.Frame);
            Assert.NotSame(created.Frame, decoded.Frame);
            Assert.True(MessageFrame.VerifySignature(decoded, new SignatureVerifier()));

            Assert.True(MessageFrame.TryPeekId(created.Frame, ProtocolLimits.LengthPrefix, bodyLength, out Id128 peeked));
            Assert.Equal(id, peeked);
        }

        [Theory]
        [InlineData("ann")]
        [InlineData("")]
        [InlineData("Zoë 🎉")]
        public void CreateAnnounce_then_decode_returns_the_keys_and_the_signature_verifies(string name)
        {
            var id = Id128.NewRandom();
            FloodMessage created = MessageFrame.CreateAnnounce(Origin, id, name, 1_700_000_000_999, 9);

            Assert.Equal(Frames.AnnounceFixedBody + Encoding.UTF8.GetByteCount(name) + NodeIdentity.KeySize, Frames.BodyLength(created.Frame));
            Assert.Equal(FrameType.Announce, created.Type);

            FloodMessage decoded = TryDecode(created.Frame, out string error);

            Assert.True(decoded != null, error);
            Assert.Equal(FrameType.Announce, decoded.Type);
            Assert.Equal(id, decoded.Id);
            Assert.Equal(Origin.NodeId, decoded.OriginId);
            Assert.Equal(name, decoded.OriginName);
            Assert.Null(decoded.Text);
            Assert.Equal(1_700_000_000_999, decoded.TimestampMs);
            Assert.Equal(1, decoded.Hops);
            Assert.Equal(9, decoded.HopLimit);
            Assert.Equal(Origin.EncryptionPublicKey, MessageFrame.AnnouncedKey(decoded));
            Assert.Equal(Origin.SigningPublicKey, MessageFrame.OriginKey(decoded));
            Assert.True(MessageFrame.VerifySignature(decoded, new SignatureVerifier()));
        }

        [Fact]
        public void Create_fills_the_message_fields_like_decode_does()
        {
            var id = Id128.NewRandom();
            FloodMessage created = MessageFrame.CreateMessage(Origin, id, "ann", -5, 3, MessageFlags.None, "negative timestamps survive");

            Assert.Equal(FrameType.Message, created.Type);
            Assert.Equal(id, created.Id);
            Assert.Equal(Origin.NodeId, created.OriginId);
            Assert.Equal("ann", created.OriginName);
            Assert.Equal("negative timestamps survive", created.Text);
            Assert.Equal(1, created.Hops);
            Assert.Equal(3, created.HopLimit);
            Assert.False(created.IsTextOrigin);
            Assert.Equal(-5, Frames.Decode(created.Frame).TimestampMs);
        }

        [Fact]
        public void Decode_does_not_depend_on_the_frame_being_at_the_start_of_the_buffer()
        {
            FloodMessage m = Frames.NewMessage("eve", "offset");
            byte[] buffer = Frames.Concat(new byte[] { 9, 9, 9 }, m.Frame, new byte[] { 7, 7 });

            FloodMessage decoded = MessageFrame.TryDecode(buffer, 3 + ProtocolLimits.LengthPrefix, Frames.BodyLength(m.Frame), out string error);

            Assert.True(decoded != null, error);
            Assert.Equal("offset", decoded.Text);
            Assert.Equal(m.Frame, decoded.Frame);
            Assert.True(MessageFrame.VerifySignature(decoded, new SignatureVerifier()));
        }

        [Fact]
        public void Create_throws_for_text_over_the_limit()
        {
            var e = Assert.Throws<ArgumentException>(() => Frames.NewMessage(text: new string('t', ProtocolLimits.MaxTextBytes + 1)));
            Assert.Contains(ProtocolLimits.MaxTextBytes.ToString(), e.Message);

            // The limit counts UTF-8 bytes, not characters: 32001 'é' are 64002 bytes.
            Assert.Throws<ArgumentException>(() => Frames.NewMessage(text: new string('é', ProtocolLimits.MaxTextBytes / 2 + 1)));
        }

        [Fact]
        public void Create_throws_for_a_name_over_64_bytes()
        {
            Assert.Throws<ArgumentException>(() => Frames.NewMessage(name: new string('n', ProtocolLimits.MaxNameBytes + 1)));
            Assert.Throws<ArgumentException>(() => Frames.NewMessage(name: new string('é', ProtocolLimits.MaxNameBytes / 2 + 1)));
            Assert.Throws<ArgumentException>(() => MessageFrame.CreateAnnounce(Origin, Id128.NewRandom(), new string('n', ProtocolLimits.MaxNameBytes + 1), 0, 5));
        }

        [Fact]
        public void Create_throws_for_hop_limit_zero()
        {
            Assert.ThrowsAny<ArgumentException>(() => Frames.NewMessage(hopLimit: 0));
            Assert.ThrowsAny<ArgumentException>(() => MessageFrame.CreateAnnounce(Origin, Id128.NewRandom(), "a", 0, 0));
        }

        [Fact]
        public void Decode_reads_the_hop_count_from_the_last_byte()
        {
            byte[] frame = Frames.NewMessage(hopLimit: 40).Frame;

            for (byte hops = 1; hops <= 40; hops++)
            {
                Assert.Equal(hops, Frames.Decode(Frames.WithHops(frame, hops)).Hops);
            }
        }

        [Fact]
        public void Decode_rejects_hops_zero()
        {
            byte[] frame = Frames.WithHops(Frames.NewMessage(hopLimit: 5).Frame, 0);

            Assert.Null(TryDecode(frame, out string error));
            Assert.Contains("hop", error);
        }

        [Fact]
        public void Decode_rejects_hops_over_the_hop_limit_and_accepts_hops_equal_to_it()
        {
            byte[] frame = Frames.NewMessage(hopLimit: 5).Frame;

            Assert.NotNull(TryDecode(Frames.WithHops(frame, 5), out _));
            Assert.Null(TryDecode(Frames.WithHops(frame, 6), out string error));
            Assert.Contains("hop", error);
            Assert.Null(TryDecode(Frames.WithHops(frame, 255), out _));
        }

        [Fact]
        public void Decode_rejects_a_name_length_past_the_end()
        {
            byte[] frame = Frames.NewMessage("abc", "").Frame; // the name is the last thing before the trailer
            Assert.Equal(3, frame[Frames.MessageNameLengthOffset]);

            frame[Frames.MessageNameLengthOffset] = 5; // past the channel length byte, into the signature
            Assert.Null(TryDecode(frame, out string error));
            Assert.Contains("name length", error);

            frame[Frames.MessageNameLengthOffset] = 3;
            Assert.NotNull(TryDecode(frame, out _));
        }

        [Fact]
        public void Decode_rejects_a_name_length_over_64_even_when_the_bytes_are_there()
        {
            byte[] frame = Frames.NewMessage("abc", new string('x', 200)).Frame;
            frame[Frames.MessageNameLengthOffset] = ProtocolLimits.MaxNameBytes + 1;

            Assert.Null(TryDecode(frame, out string error));
            Assert.Contains("name length", error);
        }

        [Fact]
        public void Decode_rejects_invalid_UTF8_in_the_text()
        {
            byte[] frame = Frames.NewMessage("abc", "good text").Frame;
            frame[Frames.SignatureIndex(frame) - 1] = 0xFF; // the last text byte, just before the signature

            Assert.Null(TryDecode(frame, out string error));
            Assert.Contains("UTF-8", error);
        }

        [Fact]
        public void Decode_rejects_invalid_UTF8_in_the_name()
        {
            byte[] frame = Frames.NewMessage("ab", "text").Frame;
            frame[Frames.MessageNameLengthOffset + 1] = 0xC3; // a lead byte followed by 'b', not a continuation byte

            Assert.Null(TryDecode(frame, out string error));
            Assert.Contains("UTF-8", error);
        }

        [Fact]
        public void Decode_rejects_a_body_shorter_than_the_header_and_trailer()
        {
            byte[] frame = Frames.NewMessage("", "").Frame;
            Assert.Equal(Frames.MessageMinBody, Frames.BodyLength(frame));

            for (int shorter = 0; shorter < Frames.MessageMinBody; shorter++)
            {
                Assert.Null(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, shorter, out string error));
                Assert.Contains("shorter", error);
                // The id is all a duplicate check needs; it is there once the body reaches past it.
                Assert.Equal(shorter >= Frames.BodyId + Id128.Size, MessageFrame.TryPeekId(frame, ProtocolLimits.LengthPrefix, shorter, out _));
            }
            Assert.NotNull(MessageFrame.TryDecode(frame, ProtocolLimits.LengthPrefix, Frames.MessageMinBody, out _));
        }

        [Theory]
        [InlineData("MESSAGE")]
        [InlineData("ANNOUNCE")]
        public void No_truncation_of_a_signed_frame_is_accepted(string kind)
        {
            FloodMessage created = kind == "MESSAGE"
                ? Frames.NewMessage("trunc", "every cut must fail somewhere", hopLimit: 255)
                : MessageFrame.CreateAnnounce(Origin, Id128.NewRandom(), "trunc", 1_700_000_000_000, 255);
            byte[] frame = Frames.WithHops(created.Frame, 7);
            var verifier = new SignatureVerifier();
            int body = Frames.BodyLength(frame);
            int decodedButForged = 0;

            for (int length = 0; length < body; length++)
            {
                // What a receiver would see if the frame ended here: the prefix says so, the bytes are what was sent.
                byte[] cut = Frames.Prefixed(Frames.Body(frame).Take(length).ToArray());
                FloodMessage m = MessageFrame.TryDecode(cut, ProtocolLimits.LengthPrefix, length, out _);
                if (m == null) continue;
                decodedButForged++;
                Assert.False(MessageFrame.VerifySignature(m, verifier), kind + " cut at " + length + " of " + body + " still verifies");
            }
            Assert.True(MessageFrame.VerifySignature(Frames.Decode(frame), verifier));
            // A MESSAGE's text can be cut anywhere and still look well formed, so there the signature must do the work;
            // an ANNOUNCE's payload must be exactly one key long, so its structure check refuses every cut first.
            if (kind == "MESSAGE") Assert.True(decodedButForged >= 20, "only " + decodedButForged + " cuts got past the structure checks");
        }

        [Theory]
        [InlineData("MESSAGE", (byte)0x01)]
        [InlineData("MESSAGE", (byte)0x80)]
        [InlineData("ANNOUNCE", (byte)0x01)]
        [InlineData("ANNOUNCE", (byte)0x80)]
        public void Flipping_any_byte_before_the_hop_count_breaks_the_signature(string kind, byte mask)
        {
            FloodMessage created = kind == "MESSAGE"
                ? Frames.NewMessage("signer", "every byte counts", hopLimit: 30)
                : MessageFrame.CreateAnnounce(Origin, Id128.NewRandom(), "signer", 1_700_000_000_000, 30);
            byte[] frame = created.Frame;
            var verifier = new SignatureVerifier();
            Assert.True(MessageFrame.VerifySignature(Frames.Decode(frame), verifier));
            int checkedBySignature = 0;

            // Type byte up to the last byte of the signature: everything but the length prefix and the hop count.
            for (int i = ProtocolLimits.LengthPrefix; i < frame.Length - 1; i++)
            {
                byte[] flipped = (byte[])frame.Clone();
                flipped[i] ^= mask;
                FloodMessage m = TryDecode(flipped, out _);
                if (m == null) continue; // refused by the structure checks already (a broken name length, UTF-8, ...)
                checkedBySignature++;
                Assert.False(MessageFrame.VerifySignature(m, verifier), kind + ": flipping byte " + i + " (mask " + mask + ") still verifies");
            }
            // With mask 0x01 on ASCII names and texts every flip decodes (but the name length: it moves an ANNOUNCE's key off
            // 32 bytes, and makes a MESSAGE read its channel length from the text, 'e' = 101 > 32), so the signature alone
            // must have caught them. The channel length 0 -> 1 decodes (channel "e") and is caught by the signature.
            if (mask == 0x01) Assert.Equal(frame.Length - 1 - ProtocolLimits.LengthPrefix - 1, checkedBySignature);
            else Assert.True(checkedBySignature > frame.Length / 2, "only " + checkedBySignature + " flips reached the signature check");
        }

        [Theory]
        [InlineData("MESSAGE")]
        [InlineData("ANNOUNCE")]
        public void Changing_only_the_hop_count_keeps_the_signature_valid(string kind)
        {
            FloodMessage created = kind == "MESSAGE"
                ? Frames.NewMessage("signer", "relays may count", hopLimit: 255)
                : MessageFrame.CreateAnnounce(Origin, Id128.NewRandom(), "signer", 1_700_000_000_000, 255);
            var verifier = new SignatureVerifier();

            for (int hops = 1; hops <= 255; hops++)
            {
                FloodMessage m = Frames.Decode(Frames.WithHops(created.Frame, (byte)hops));
                Assert.Equal(hops, m.Hops);
                Assert.True(MessageFrame.VerifySignature(m, verifier), "hop count " + hops);
            }
        }

        [Fact]
        public void A_frame_claiming_another_origin_fails_whatever_key_it_carries()
        {
            var victim = NodeIdentity.Create();
            var forger = NodeIdentity.Create();
            byte[] own = Frames.NewMessage("forger", "mine", signer: forger).Frame;
            var verifier = new SignatureVerifier();

            // The victim's id with the forger's key, correctly signed by the forger: the id is not the key's hash.
            byte[] idOnly = Frames.Resigned(Frames.WithOrigin(own, victim.NodeId), forger);
            // The victim's id and key, signed by the forger: the key matches the id, the signature does not match the key.
            byte[] idAndKey = Frames.Resigned(Frames.WithOrigin(own, victim.NodeId, victim.SigningPublicKey), forger);

            Assert.True(MessageFrame.VerifySignature(Frames.Decode(own), verifier));
            Assert.False(MessageFrame.VerifySignature(Frames.Decode(idOnly), verifier));
            Assert.False(MessageFrame.VerifySignature(Frames.Decode(idAndKey), verifier));
            // And after the victim's real key was seen (the verifier caches keys by id), still no.
            Assert.True(MessageFrame.VerifySignature(Frames.Decode(Frames.NewMessage("victim", "real", signer: victim).Frame), verifier));
            Assert.False(MessageFrame.VerifySignature(Frames.Decode(idOnly), verifier));
            Assert.False(MessageFrame.VerifySignature(Frames.Decode(idAndKey), verifier));
        }

        [Fact]
        public void A_MESSAGE_turned_into_an_ANNOUNCE_fails_the_signature()
        {
            // An ANNOUNCE's payload is a 32-byte key: the channel length byte and a 31-byte text would pass the structure checks.
            byte[] frame = Frames.NewMessage("x", new string('k', NodeIdentity.KeySize - 1)).Frame;
            frame[ProtocolLimits.LengthPrefix] = (byte)FrameType.Announce;

            FloodMessage m = Frames.Decode(frame);

            Assert.Equal(FrameType.Announce, m.Type);
            Assert.False(MessageFrame.VerifySignature(m, new SignatureVerifier()));
        }

        [Fact]
        public void Decode_rejects_an_ANNOUNCE_whose_key_is_not_32_bytes()
        {
            byte[] announce = MessageFrame.CreateAnnounce(Origin, Id128.NewRandom(), "ann", 0, 5).Frame;
            byte[] body = Frames.Body(announce);
            int keyAt = body.Length - Frames.Trailer - NodeIdentity.KeySize;
            byte[] shortKey = Frames.Prefixed(body.Take(keyAt + 31).Concat(body.Skip(keyAt + 32)).ToArray());
            byte[] longKey = Frames.Prefixed(body.Take(keyAt + 32).Concat(new byte[] { 1 }).Concat(body.Skip(keyAt + 32)).ToArray());

            Assert.Null(TryDecode(shortKey, out string error));
            Assert.Contains("32-byte key", error);
            Assert.Null(TryDecode(longKey, out error));
            Assert.Contains("32-byte key", error);
        }

        [Fact]
        public void Decode_rejects_text_over_the_limit()
        {
            byte[] max = Frames.NewMessage("n", new string('t', ProtocolLimits.MaxTextBytes)).Frame;
            byte[] body = Frames.Body(max);
            int textEnd = body.Length - Frames.Trailer;
            byte[] tooLong = Frames.Prefixed(body.Take(textEnd).Concat(new[] { (byte)'t' }).Concat(body.Skip(textEnd)).ToArray());

            Assert.Null(TryDecode(tooLong, out string error));
            Assert.Contains("longer", error);
        }
    }
}
