using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using PSPeerChat.Identity;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// The address book on disk (protocol.md §4.2): its placement key and its tried and new entries, one per line, so a
    /// restarted node dials its known-good neighbours first and keeps the places a hostile source could not choose.
    /// Written owner-only, replaced atomically; a file that does not parse line by line is read as far as it does.
    /// </summary>
    internal static class AddressBookFile
    {
        private const string Header = "# PSPeerChat address book v1";
        private const long MaxFileBytes = 1024 * 1024;

        /// <summary>One saved entry.</summary>
        internal sealed class Record
        {
            public string Address;
            public Id128 NodeId;
            public bool Tried;
            public long LastSeenUnixMs;
            public string SourceGroup;
        }

        public static void Save(string path, byte[] key, IEnumerable<Record> records)
        {
            var text = new StringBuilder();
            text.Append(Header).Append('\n');
            text.Append("key ").Append(ToHex(key)).Append('\n');
            foreach (Record r in records)
            {
                text.Append(r.Tried ? "tried " : "new ").Append(r.Address).Append(' ')
                    .Append(r.NodeId.IsEmpty ? "-" : r.NodeId.ToString()).Append(' ')
                    .Append(r.LastSeenUnixMs.ToString(CultureInfo.InvariantCulture));
                if (!r.Tried) text.Append(' ').Append(r.SourceGroup ?? "unknown");
                text.Append('\n');
            }
            string directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            string temporary = path + ".tmp";
            byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
            using (FileStream stream = IdentityFile.CreateOwnerOnly(temporary, FileMode.Create)) stream.Write(bytes, 0, bytes.Length);
            if (File.Exists(path)) File.Replace(temporary, path, null);
            else File.Move(temporary, path);
        }

        /// <summary>The key and the entries of a saved book; false (nothing read) when there is no usable file.</summary>
        public static bool TryLoad(string path, int maxRecords, out byte[] key, out List<Record> records)
        {
            key = null;
            records = new List<Record>();
            if (string.IsNullOrEmpty(path) || !File.Exists(path) || new FileInfo(path).Length > MaxFileBytes) return false;
            foreach (string line in File.ReadAllLines(path))
            {
                string[] f = line.Split(' ');
                if (f.Length == 2 && f[0] == "key")
                {
                    key = FromHex(f[1]);
                }
                else if ((f.Length == 4 && f[0] == "tried") || (f.Length == 5 && f[0] == "new"))
                {
                    if (records.Count >= maxRecords || !long.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out long seen)) continue;
                    Id128 id = default;
                    if (f[2] != "-" && !Id128.TryParse(f[2], out id)) continue;
                    records.Add(new Record { Address = f[1], NodeId = id, Tried = f[0] == "tried", LastSeenUnixMs = seen, SourceGroup = f.Length == 5 ? f[4] : null });
                }
            }
            if (key == null || key.Length != 32) key = null;
            return key != null;
        }

        private static string ToHex(byte[] bytes)
        {
            var hex = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes) hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return hex.ToString();
        }

        private static byte[] FromHex(string hex)
        {
            if (hex.Length != 64) return null;
            var bytes = new byte[32];
            for (int i = 0; i < 32; i++)
            {
                if (!byte.TryParse(hex.Substring(2 * i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i])) return null;
            }
            return bytes;
        }
    }
}
