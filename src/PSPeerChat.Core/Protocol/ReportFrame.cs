using System;
using System.Collections.Generic;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// REPORT (protocol.md §11.2): a node's signed answer to a PROBE, passed back hop by hop along the path the probe
    /// came. Body: type(1) kind(1) probeId(16) reporterId(16) reporterKey(32) hops(1) receivedAtMs(8) flags(1)
    /// nameLength(1) name(n) linkCount(1) links(linkCount x [peerId(16) latencyMs(2) direction(1)]) signature(64).
    /// The signature covers every byte before it, the probe id included, so a report answers one probe only.
    /// </summary>
    internal static class ReportFrame
    {
        public const int MaxLinks = 64;
        public const ushort UnknownLatency = 0xFFFF;
        private const int LinkSize = Id128.Size + 2 + 1;
        private const int ProbeIdOffset = 2;
        private const int ReporterOffset = ProbeIdOffset + Id128.Size;
        private const int KeyOffset = ReporterOffset + Id128.Size;
        private const int HopsOffset = KeyOffset + NodeIdentity.KeySize;
        private const int ReceivedOffset = HopsOffset + 1;
        private const int FlagsOffset = ReceivedOffset + 8;
        private const int NameLengthOffset = FlagsOffset + 1;
        public const int MinBody = NameLengthOffset + 1 + 1 + NodeIdentity.SignatureSize;
        public const int MaxBody = MinBody + ProtocolLimits.MaxNameBytes + MaxLinks * LinkSize;

        /// <summary>Bit 0 of the flags: the node declines to tell its links (it sends none).</summary>
        public const byte Declined = 1;

        public static byte[] Create(NodeIdentity reporter, string name, ProbeKind kind, Id128 probeId, byte hops, long receivedAtMs, bool declined, IReadOnlyList<ReportedLink> links)
        {
            byte[] nameBytes = Utf8.Strict.GetBytes(name ?? string.Empty);
            if (nameBytes.Length > ProtocolLimits.MaxNameBytes) throw new ArgumentException("The name is longer than " + ProtocolLimits.MaxNameBytes + " UTF-8 bytes.", nameof(name));
            int count = declined || links == null ? 0 : Math.Min(links.Count, MaxLinks);
            int body = MinBody + nameBytes.Length + count * LinkSize;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o] = (byte)FrameType.Report;
            frame[o + 1] = (byte)kind;
            probeId.Write(frame, o + ProbeIdOffset);
            reporter.NodeId.Write(frame, o + ReporterOffset);
            Buffer.BlockCopy(reporter.SigningPublicKey, 0, frame, o + KeyOffset, NodeIdentity.KeySize);
            frame[o + HopsOffset] = hops;
            BigEndian.WriteUInt64(frame, o + ReceivedOffset, (ulong)receivedAtMs);
            frame[o + FlagsOffset] = declined ? Declined : (byte)0;
            frame[o + NameLengthOffset] = (byte)nameBytes.Length;
            int p = o + NameLengthOffset + 1;
            Buffer.BlockCopy(nameBytes, 0, frame, p, nameBytes.Length);
            p += nameBytes.Length;
            frame[p++] = (byte)count;
            for (int i = 0; i < count; i++)
            {
                links[i].PeerId.Write(frame, p);
                BigEndian.WriteUInt16(frame, p + Id128.Size, links[i].LatencyMs);
                frame[p + Id128.Size + 2] = (byte)links[i].Direction;
                p += LinkSize;
            }
            reporter.Sign(frame, o, p - o, frame, p);
            return frame;
        }

        /// <summary>The probe id (to route the report back) and the reporter id, without decoding the rest.</summary>
        public static bool TryPeek(byte[] buffer, int body, int length, out Id128 probeId, out Id128 reporterId)
        {
            probeId = reporterId = default;
            if (length < MinBody || length > MaxBody) return false;
            probeId = Id128.Read(buffer, body + ProbeIdOffset);
            reporterId = Id128.Read(buffer, body + ReporterOffset);
            return true;
        }

        /// <summary>Decodes and verifies a report (the asker does this; relays only pass the bytes on). Null with a reason when either fails.</summary>
        public static Report TryOpen(byte[] buffer, int body, int length, SignatureVerifier verifier, out string error)
        {
            error = null;
            if (length < MinBody || length > MaxBody)
            {
                error = "REPORT of " + length + " bytes, outside " + MinBody + ".." + MaxBody;
                return null;
            }
            var kind = (ProbeKind)buffer[body + 1];
            int nameLength = buffer[body + NameLengthOffset];
            int countOffset = body + NameLengthOffset + 1 + nameLength;
            if (nameLength > ProtocolLimits.MaxNameBytes || countOffset >= body + length - NodeIdentity.SignatureSize)
            {
                error = "REPORT name length out of range";
                return null;
            }
            int count = buffer[countOffset];
            int signatureOffset = countOffset + 1 + count * LinkSize;
            if (count > MaxLinks || signatureOffset + NodeIdentity.SignatureSize != body + length)
            {
                error = "REPORT link count does not match its length";
                return null;
            }
            Id128 reporterId = Id128.Read(buffer, body + ReporterOffset);
            if (!verifier.Verify(reporterId, buffer, body + KeyOffset, buffer, body, signatureOffset - body, buffer, signatureOffset))
            {
                error = "REPORT signature does not match reporter " + reporterId.ToString().Substring(0, 8);
                return null;
            }
            string name;
            try
            {
                name = Utf8.CleanName(Utf8.Strict.GetString(buffer, body + NameLengthOffset + 1, nameLength));
            }
            catch (ArgumentException)
            {
                error = "REPORT name is not UTF-8";
                return null;
            }
            var links = new ReportedLink[count];
            for (int i = 0, p = countOffset + 1; i < count; i++, p += LinkSize)
            {
                links[i] = new ReportedLink(Id128.Read(buffer, p), BigEndian.ReadUInt16(buffer, p + Id128.Size), (PeerDirection)buffer[p + Id128.Size + 2]);
            }
            return new Report(kind, Id128.Read(buffer, body + ProbeIdOffset), reporterId, name, buffer[body + HopsOffset],
                (long)BigEndian.ReadUInt64(buffer, body + ReceivedOffset), (buffer[body + FlagsOffset] & Declined) != 0, links);
        }
    }
}
