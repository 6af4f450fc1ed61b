using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CsCheck;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// Property tests over everything that reads bytes a remote peer chose: random and mutated input, every truncation
    /// point. Nothing but a clean refusal (null, false, a closed link) may come out; no exception, no hang. A longer
    /// run: tools/Invoke-Fuzz.ps1.
    /// </summary>
    [Collection(FakeClockCollection.Name)]
    public class FuzzTests
    {
        /// <summary>Iterations per property; tools/Invoke-Fuzz.ps1 raises it through PSPEERCHAT_FUZZ_ITER.</summary>
        private static readonly long Iter = long.TryParse(Environment.GetEnvironmentVariable("PSPEERCHAT_FUZZ_ITER"), out long n) ? n : 2000;

        private static readonly NodeIdentity Alice = NodeIdentity.Create();
        private static readonly NodeIdentity Bob = NodeIdentity.Create();

        /// <summary>Valid frames of every kind, whole (length prefix included): the seeds that mutations start from.</summary>
        private static readonly byte[][] Seeds =
        {
            Frames.NewMessage("alice", "hello there").Frame,
            MessageFrame.CreateAnnounce(Alice, Id128.NewRandom(), "alice", Frames.Now, 32).Frame,
            DirectFrame.Create(Alice, "alice", Id128.NewRandom(), Bob.NodeId, Bob.EncryptionPublicKey, Frames.Now, 32, "psst").Frame,
            HelloFrame.Encode(),
            IntroFrame.Encode(42, 55555, "alice"),
            CloseFrame.Encode(CloseReason.Full, "full"),
            PingFrame.Encode(FrameType.Ping, 7),
            AddressFrame.EncodeRequest(),
            HistoryFrame.EncodeRequest(Frames.Now, 4096, 3, new byte[HistoryFrame.SaltSize], new byte[24]),
            HistoryFrame.WrapCatchUp(Frames.NewMessage("alice", "caught up").Frame),
            HistoryFrame.EncodeEnd(HistoryFrame.More),
        };

        /// <summary>A seed with some bytes changed, some cut off or some appended.</summary>
        private static readonly Gen<byte[]> Mutated =
            Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.Byte.Array[0, 16], (seed, changes, salt, tail) =>
            {
                byte[] frame = (byte[])Seeds[seed].Clone();
                var random = new Random(salt);
                for (int i = 0; i < changes; i++) frame[random.Next(frame.Length)] = (byte)random.Next(256);
                int cut = salt % 3 == 0 ? random.Next(frame.Length + 1) : frame.Length;
                return frame.Take(cut).Concat(tail).ToArray();
            });

        /// <summary>Bytes of any shape, or a mutated valid frame.</summary>
        private static readonly Gen<byte[]> Hostile = Gen.OneOf(Gen.Byte.Array[0, 300], Mutated);

        /// <summary>Every decoder on one body: each may refuse it, none may throw.</summary>
        private static void DecodeEverything(byte[] buffer, int body, int length)
        {
            MessageFrame.TryDecode(buffer, body, length, out _);
            FloodMessage direct = DirectFrame.TryDecode(buffer, body, length, out _);
            if (direct != null) DirectFrame.TryOpen(direct, Bob, new SignatureVerifier(), out _, out _);
            HelloFrame.TryDecode(buffer, body, length, out _);
            AddressFrame.TryDecode(buffer, body, length, out _);
            CloseFrame.Decode(buffer, body, length, out _, out _);
            PingFrame.TryDecode(buffer, body, length, out _);
            SeenKey.TryPeek(buffer, body, length, out _);
            FloodMessage message = MessageFrame.TryDecode(buffer, body, length, out _);
            if (message != null) MessageFrame.VerifySignature(message, new SignatureVerifier());
            IntroFrame.TryDecode(buffer, body, length, out _);
            HistoryFrame.Request request = HistoryFrame.TryDecodeRequest(buffer, body, length, out _);
            if (request != null) new PSPeerChat.History.KeyFilter(request.Salt, request.Hashes, request.Filter).MayContain(Id128.NewRandom());
            HistoryFrame.TryUnwrapCatchUp(buffer, body, length, out _);
            HistoryFrame.TryDecodeEnd(buffer, body, length, out _);
        }

        [Fact]
        public void No_decoder_throws_on_hostile_bodies()
        {
            Hostile.Sample(bytes =>
            {
                if (bytes.Length == 0) return;
                // As the reader hands a body over: after its 4-byte length prefix (the decoders copy the whole frame).
                DecodeEverything(Frames.Framed(bytes), ProtocolLimits.LengthPrefix, bytes.Length);
            }, iter: Iter);
        }

        [Fact]
        public void No_decoder_throws_at_any_truncation_point_of_a_valid_frame()
        {
            foreach (byte[] seed in Seeds)
            {
                for (int cut = ProtocolLimits.LengthPrefix + 1; cut <= seed.Length; cut++)
                {
                    DecodeEverything(seed, ProtocolLimits.LengthPrefix, cut - ProtocolLimits.LengthPrefix);
                }
            }
        }

        [Fact]
        public void The_frame_reader_finds_whole_frames_only_however_the_bytes_are_split()
        {
            Gen.Select(Hostile.Array[1, 6], Gen.Int[1, 64]).Sample((frames, chunk) =>
            {
                byte[] stream = frames.SelectMany(f => f).ToArray();
                // Feed the stream in chunks, as a socket would hand it over; every frame found must lie inside what arrived.
                int arrived = 0, start = 0;
                while (arrived < stream.Length)
                {
                    arrived = Math.Min(stream.Length, arrived + chunk);
                    while (true)
                    {
                        FrameReadStatus status = FrameReader.TryRead(stream, start, arrived - start, out int body);
                        if (status != FrameReadStatus.Frame) break;
                        Assert.InRange(body, 1, ProtocolLimits.MaxFrameBody);
                        Assert.True(start + ProtocolLimits.LengthPrefix + body <= arrived, "a frame reported before all its bytes arrived");
                        start += ProtocolLimits.LengthPrefix + body;
                    }
                }
            }, iter: Iter / 4);
        }

        /// <summary>
        /// The whole link: a raw peer finishes a valid handshake, then sends hostile frames in random splits. The node must
        /// stay up, the link either stays or closes with a reason, and the node keeps serving an honest neighbour.
        /// </summary>
        [Fact]
        public async Task A_node_survives_hostile_frames_after_a_valid_handshake_and_keeps_its_honest_link()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("target");
            PeerNode honest = net.Start("honest");
            await net.LinkAsync(honest, node);
            var inputs = Gen.Select(Hostile.Array[1, 8], Gen.Int[1, 40]).Array[40].Single();
            foreach ((byte[][] frames, int chunk) in inputs)
            {
                using RawPeer raw = await RawPeer.JoinAsync(net.Network, node, name: "fuzz");
                byte[] stream = frames.SelectMany(WithPrefixFixed).ToArray();
                for (int i = 0; i < stream.Length; i += chunk) await raw.SendAsync(stream.Skip(i).Take(chunk).ToArray());
                await net.QuietAsync(settle: false);
                Assert.Equal(PeerNodeState.Running, node.State);
                Peer link = node.GetPeers().FirstOrDefault(p => p.Name == "fuzz");
                Assert.True(link == null || link.State == PeerState.Connected);
            }
            string text = "still here " + Guid.NewGuid();
            honest.Broadcast(text);
            Assert.Equal(text, node.Receive(TestNetwork.Wait)?.Text);
        }

        /// <summary>Mostly keeps the length prefix honest, so the body reaches the decoders instead of failing framing first.</summary>
        private static byte[] WithPrefixFixed(byte[] frame)
        {
            if (frame.Length <= ProtocolLimits.LengthPrefix || frame[frame.Length - 1] % 4 == 0) return frame;
            byte[] copy = (byte[])frame.Clone();
            BigEndian.WriteUInt32(copy, 0, (uint)(copy.Length - ProtocolLimits.LengthPrefix));
            return copy;
        }

        [Fact]
        public async Task A_text_link_survives_any_bytes()
        {
            using var net = new MemoryTestNetwork();
            PeerNode node = net.Start("gateway");
            var inputs = Gen.Select(Gen.Byte.Array[1, 2000], Gen.Int[1, 300]).Array[30].Single();
            foreach ((byte[] bytes, int chunk) in inputs)
            {
                using RawPeer nc = await RawPeer.ConnectAsync(net.Network, node.Port);
                await nc.SendAsync("hello\n"); // a text peer from its first byte
                byte[] noNul = bytes.Select(b => b == 0 ? (byte)'\n' : b).ToArray();
                for (int i = 0; i < noNul.Length; i += chunk) await nc.SendAsync(noNul.Skip(i).Take(chunk).ToArray());
                await net.QuietAsync(settle: false);
                Assert.Equal(PeerNodeState.Running, node.State);
            }
        }
    }
}
