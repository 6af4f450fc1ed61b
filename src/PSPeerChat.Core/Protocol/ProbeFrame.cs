using System;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// PROBE (protocol.md §11.1): a signed, flooded question from one node to all, "tell me your links" (kind Map,
    /// Get-PeerNetwork) or "say you got this" (kind Reach, Test-PeerNetwork). Body: type(1) flags(1) hopLimit(1)
    /// probeId(16) askerId(16) timestampMs(8) askerKey(32) kind(1) signature(64) hops(1). The signature covers every
    /// byte before it; the hop count, which relays change, is last and outside it, as in MESSAGE.
    /// </summary>
    internal static class ProbeFrame
    {
        private const int IdOffset = 3;
        private const int AskerOffset = IdOffset + Id128.Size;
        private const int TimeOffset = AskerOffset + Id128.Size;
        private const int KeyOffset = TimeOffset + 8;
        private const int KindOffset = KeyOffset + NodeIdentity.KeySize;
        private const int SignatureOffset = KindOffset + 1;
        public const int Body = SignatureOffset + NodeIdentity.SignatureSize + 1;

        public static byte[] Create(NodeIdentity asker, Id128 probeId, ProbeKind kind, long timestampMs, byte hopLimit)
        {
            if (hopLimit == 0) throw new ArgumentOutOfRangeException(nameof(hopLimit), "The hop limit must be at least 1.");
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + Body];
            BigEndian.WriteUInt32(frame, 0, Body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o] = (byte)FrameType.Probe;
            frame[o + 2] = hopLimit;
            probeId.Write(frame, o + IdOffset);
            asker.NodeId.Write(frame, o + AskerOffset);
            BigEndian.WriteUInt64(frame, o + TimeOffset, (ulong)timestampMs);
            Buffer.BlockCopy(asker.SigningPublicKey, 0, frame, o + KeyOffset, NodeIdentity.KeySize);
            frame[o + KindOffset] = (byte)kind;
            asker.Sign(frame, o, SignatureOffset, frame, o + SignatureOffset);
            frame[frame.Length - 1] = 1;
            return frame;
        }

        /// <summary>The probe id, read before anything else so a copy already seen costs nothing more.</summary>
        public static bool TryPeekId(byte[] buffer, int body, int length, out Id128 id)
        {
            id = default;
            if (length < IdOffset + Id128.Size) return false;
            id = Id128.Read(buffer, body + IdOffset);
            return true;
        }

        /// <summary>Decodes the structure (not the signature): exactly <see cref="Body"/> bytes, hops in 1..hopLimit, a known kind.</summary>
        public static bool TryDecode(byte[] buffer, int body, int length, out Probe probe, out string error)
        {
            probe = null;
            error = null;
            if (length != Body)
            {
                error = "a PROBE is exactly " + Body + " bytes, not " + length;
                return false;
            }
            byte hopLimit = buffer[body + 2];
            byte hops = buffer[body + length - 1];
            if (hops == 0 || hops > hopLimit)
            {
                error = "PROBE hop count " + hops + " outside 1.." + hopLimit;
                return false;
            }
            var kind = (ProbeKind)buffer[body + KindOffset];
            if (kind != ProbeKind.Map && kind != ProbeKind.Reach)
            {
                error = "PROBE of unknown kind " + (byte)kind;
                return false;
            }
            long timestamp = (long)BigEndian.ReadUInt64(buffer, body + TimeOffset);
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + length];
            BigEndian.WriteUInt32(frame, 0, (uint)length);
            Buffer.BlockCopy(buffer, body, frame, ProtocolLimits.LengthPrefix, length);
            probe = new Probe(Id128.Read(buffer, body + IdOffset), Id128.Read(buffer, body + AskerOffset), kind, timestamp, hops, hopLimit, frame);
            return true;
        }

        /// <summary>True when the asker's key hashes to the asker id and signed every byte before the signature.</summary>
        public static bool VerifySignature(Probe probe, SignatureVerifier verifier)
        {
            byte[] f = probe.Frame;
            int o = ProtocolLimits.LengthPrefix;
            return verifier.Verify(probe.AskerId, f, o + KeyOffset, f, o, SignatureOffset, f, o + SignatureOffset);
        }

        /// <summary>The frame to pass on: the same bytes with the hop count one higher (a new array: the received one may be queued).</summary>
        public static byte[] RelayCopy(Probe probe)
        {
            byte[] copy = (byte[])probe.Frame.Clone();
            copy[copy.Length - 1] = (byte)(probe.Hops + 1);
            return copy;
        }
    }
}
