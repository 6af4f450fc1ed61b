using System;
using System.Collections.Generic;
using System.IO;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;

namespace PSPeerChat.History
{
    /// <summary>
    /// The seen keys of the history window on disk (protocol.md §4.4), beside the identity file: no bodies, only what a
    /// restarted node needs to refuse what it already delivered and to tell its neighbours what it holds. Layout:
    /// "PSPCSEEN" version(1)=1 completeSince(8) savedAt(8) count(4), then count × (key(16) timestamp(8)), big-endian,
    /// written owner-only and replaced atomically. A file that is short, too long or of another version is ignored.
    /// </summary>
    internal static class SeenKeysFile
    {
        private static readonly byte[] Magic = { (byte)'P', (byte)'S', (byte)'P', (byte)'C', (byte)'S', (byte)'E', (byte)'E', (byte)'N' };
        private const int Header = 8 + 1 + 8 + 8 + 4;
        private const int Record = Id128.Size + 8;

        /// <summary>The file beside an identity file: its name with ".seen".</summary>
        public static string PathBeside(string identityPath)
        {
            string full = Path.GetFullPath(identityPath);
            return Path.Combine(Path.GetDirectoryName(full), Path.GetFileNameWithoutExtension(full) + ".seen");
        }

        public static void Save(string path, long completeSinceMs, long savedAtMs, IReadOnlyList<KeyValuePair<Id128, long>> keys)
        {
            byte[] bytes = new byte[Header + keys.Count * Record];
            Buffer.BlockCopy(Magic, 0, bytes, 0, Magic.Length);
            bytes[8] = 1;
            BigEndian.WriteUInt64(bytes, 9, (ulong)completeSinceMs);
            BigEndian.WriteUInt64(bytes, 17, (ulong)savedAtMs);
            BigEndian.WriteUInt32(bytes, 25, (uint)keys.Count);
            int o = Header;
            foreach (KeyValuePair<Id128, long> k in keys)
            {
                k.Key.Write(bytes, o);
                BigEndian.WriteUInt64(bytes, o + Id128.Size, (ulong)k.Value);
                o += Record;
            }
            string directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            string temporary = path + ".tmp";
            using (FileStream stream = IdentityFile.CreateOwnerOnly(temporary, FileMode.Create)) stream.Write(bytes, 0, bytes.Length);
            if (File.Exists(path)) File.Replace(temporary, path, null);
            else File.Move(temporary, path);
        }

        /// <summary>The saved keys (at most <paramref name="maxKeys"/>); false, nothing read, when there is no usable file.</summary>
        public static bool TryLoad(string path, int maxKeys, out long completeSinceMs, out List<KeyValuePair<Id128, long>> keys)
        {
            completeSinceMs = long.MinValue;
            keys = new List<KeyValuePair<Id128, long>>();
            if (string.IsNullOrEmpty(path) || !File.Exists(path)) return false;
            if (new FileInfo(path).Length > Header + (long)maxKeys * Record) return false;
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length < Header || bytes[8] != 1) return false;
            for (int i = 0; i < Magic.Length; i++)
            {
                if (bytes[i] != Magic[i]) return false;
            }
            uint count = BigEndian.ReadUInt32(bytes, 25);
            if (count > maxKeys || bytes.Length != Header + (long)count * Record) return false;
            completeSinceMs = (long)BigEndian.ReadUInt64(bytes, 9);
            for (int o = Header; o < bytes.Length; o += Record)
            {
                keys.Add(new KeyValuePair<Id128, long>(Id128.Read(bytes, o), (long)BigEndian.ReadUInt64(bytes, o + Id128.Size)));
            }
            return true;
        }
    }
}
