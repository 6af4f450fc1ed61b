using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// GETADDR asks a neighbour for addresses; ADDR answers (protocol.md §3.6):
    /// type(1) count(1) then per record: flags(1) nodeId(16) ipLength(1: 4 or 16) ip(n) port(2).
    /// Flag bit 0: the node is a neighbour of the sender. At most <see cref="MaxRecords"/> records.
    /// </summary>
    internal static class AddressFrame
    {
        /// <summary>Records accepted in one ADDR; a node sends at most <see cref="RecordsPerReply"/>.</summary>
        public const int MaxRecords = 32;

        public const int RecordsPerReply = 16;

        public static byte[] EncodeRequest()
        {
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + 1];
            BigEndian.WriteUInt32(frame, 0, 1);
            frame[4] = (byte)FrameType.GetAddresses;
            return frame;
        }

        public static byte[] Encode(IReadOnlyList<AddressRecord> records)
        {
            int count = System.Math.Min(records.Count, MaxRecords);
            int body = 2;
            for (int i = 0; i < count; i++) body += 1 + Id128.Size + 1 + records[i].EndPoint.Address.GetAddressBytes().Length + 2;
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + body];
            BigEndian.WriteUInt32(frame, 0, (uint)body);
            int o = ProtocolLimits.LengthPrefix;
            frame[o++] = (byte)FrameType.Addresses;
            frame[o++] = (byte)count;
            for (int i = 0; i < count; i++)
            {
                AddressRecord r = records[i];
                frame[o++] = (byte)(r.IsNeighbour ? 1 : 0);
                r.NodeId.Write(frame, o);
                o += Id128.Size;
                byte[] ip = r.EndPoint.Address.GetAddressBytes();
                frame[o++] = (byte)ip.Length;
                System.Buffer.BlockCopy(ip, 0, frame, o, ip.Length);
                o += ip.Length;
                BigEndian.WriteUInt16(frame, o, (ushort)r.EndPoint.Port);
                o += 2;
            }
            return frame;
        }

        /// <summary>Decodes an ADDR body; null with a reason when malformed or over the record limit.</summary>
        public static List<AddressRecord> TryDecode(byte[] buffer, int bodyOffset, int bodyLength, out string error)
        {
            error = null;
            int end = bodyOffset + bodyLength;
            if (bodyLength < 2)
            {
                error = "ADDR frame without a count";
                return null;
            }
            int count = buffer[bodyOffset + 1];
            if (count > MaxRecords)
            {
                error = "ADDR with " + count + " records; the limit is " + MaxRecords;
                return null;
            }
            var records = new List<AddressRecord>(count);
            int o = bodyOffset + 2;
            for (int i = 0; i < count; i++)
            {
                if (o + 1 + Id128.Size + 1 > end)
                {
                    error = "ADDR record cut short";
                    return null;
                }
                bool neighbour = (buffer[o] & 1) != 0;
                Id128 id = Id128.Read(buffer, o + 1);
                o += 1 + Id128.Size;
                int ipLength = buffer[o++];
                if ((ipLength != 4 && ipLength != 16) || o + ipLength + 2 > end)
                {
                    error = "ADDR record with a bad address length";
                    return null;
                }
                var ipBytes = new byte[ipLength];
                System.Buffer.BlockCopy(buffer, o, ipBytes, 0, ipLength);
                o += ipLength;
                int port = BigEndian.ReadUInt16(buffer, o);
                o += 2;
                if (port == 0) continue; // nothing to dial
                records.Add(new AddressRecord(new IPEndPoint(new IPAddress(ipBytes), port), id, neighbour));
            }
            return records;
        }
    }
}
