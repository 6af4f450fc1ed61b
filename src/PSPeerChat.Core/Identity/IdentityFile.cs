using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace PSPeerChat.Identity
{
    /// <summary>
    /// Reads and writes identity files (protocol.md §8.1): a short text file with the two private keys, the id
    /// they give and a checksum. A damaged, edited or foreign file is an error, never a silent new identity.
    /// </summary>
    internal static class IdentityFile
    {
        private const string Header = "# PSPeerChat node identity";
        private const string Warning = "# Keep this file secret: whoever has it can speak as this node.";

        /// <summary>Loads the identity at <paramref name="path"/>, or creates one there when no file exists.</summary>
        public static NodeIdentity LoadOrCreate(string path, out bool created)
        {
            created = !File.Exists(path);
            if (!created) return Load(path);
            NodeIdentity identity = NodeIdentity.Create();
            Save(identity, path, overwrite: false);
            return identity;
        }

        /// <exception cref="InvalidDataException">The file is not an identity file, or it was changed or damaged.</exception>
        public static NodeIdentity Load(string path)
        {
            string[] lines = File.ReadAllLines(path);
            if (lines.Length == 0 || lines[0].Trim() != Header)
            {
                throw new InvalidDataException("'" + path + "' is not a PSPeerChat identity file. Give the path of a file made by New-PeerIdentity, or a path where no file exists yet to create one.");
            }
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string raw in lines)
            {
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == '#') continue;
                int colon = line.IndexOf(':');
                if (colon <= 0) throw Damaged(path, "a line has no 'name: value' form");
                fields[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
            if (!fields.TryGetValue("version", out string version) || version != "1") throw Damaged(path, "unknown or missing version");
            byte[] signing = Key(fields, "signing-key", path);
            byte[] encryption = Key(fields, "encryption-key", path);
            if (!fields.TryGetValue("checksum", out string checksum) || !string.Equals(checksum, Checksum(signing, encryption), StringComparison.OrdinalIgnoreCase))
            {
                throw Damaged(path, "the checksum does not match the keys");
            }
            NodeIdentity identity = NodeIdentity.FromPrivateKeys(signing, encryption);
            if (!fields.TryGetValue("id", out string id) || !string.Equals(id, identity.NodeId.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                throw Damaged(path, "the id does not belong to the signing key");
            }
            return identity;
        }

        /// <summary>Writes the identity, readable and writable by its owner only (where the OS has such modes).</summary>
        public static void Save(NodeIdentity identity, string path, bool overwrite)
        {
            byte[] signing = identity.ExportSigningSeed();
            byte[] encryption = identity.ExportEncryptionKey();
            var text = new StringBuilder()
                .AppendLine(Header)
                .AppendLine(Warning)
                .AppendLine("version: 1")
                .AppendLine("id: " + identity.NodeId)
                .AppendLine("signing-key: " + Convert.ToBase64String(signing))
                .AppendLine("encryption-key: " + Convert.ToBase64String(encryption))
                .AppendLine("checksum: " + Checksum(signing, encryption))
                .ToString();
            string directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            using (var stream = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                RestrictToOwner(path);
                byte[] bytes = new UTF8Encoding(false).GetBytes(text);
                stream.Write(bytes, 0, bytes.Length);
            }
        }

        private static byte[] Key(Dictionary<string, string> fields, string name, string path)
        {
            if (!fields.TryGetValue(name, out string value)) throw Damaged(path, name + " is missing");
            try
            {
                byte[] key = Convert.FromBase64String(value);
                if (key.Length != NodeIdentity.KeySize) throw Damaged(path, name + " is not 32 bytes");
                return key;
            }
            catch (FormatException)
            {
                throw Damaged(path, name + " is not base64");
            }
        }

        private static string Checksum(byte[] signing, byte[] encryption)
        {
            using (SHA256 sha = SHA256.Create())
            {
                byte[] both = new byte[signing.Length + encryption.Length];
                Buffer.BlockCopy(signing, 0, both, 0, signing.Length);
                Buffer.BlockCopy(encryption, 0, both, signing.Length, encryption.Length);
                byte[] hash = sha.ComputeHash(both);
                return BitConverter.ToString(hash, 0, 8).Replace("-", string.Empty).ToLowerInvariant();
            }
        }

        private static InvalidDataException Damaged(string path, string why)
        {
            return new InvalidDataException("The identity file '" + path + "' is damaged or was changed (" + why + "). Restore it from a backup; only if it is lost for good, delete it so a new identity (with a new node id) is created.");
        }

        /// <summary>
        /// chmod 600 through File.SetUnixFileMode, which exists on the runtimes PowerShell 7 runs on but not in
        /// netstandard2.0. On Windows the file keeps the ACL of its folder (the user profile is private by default).
        /// </summary>
        private static void RestrictToOwner(string path)
        {
            MethodInfo setMode = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(object) });
            if (setMode == null || Environment.OSVersion.Platform != PlatformID.Unix) return;
            Type modeType = setMode.GetParameters()[1].ParameterType;
            object ownerReadWrite = Enum.ToObject(modeType, 0x100 | 0x80); // UserRead | UserWrite
            setMode.Invoke(null, new[] { path, ownerReadWrite });
        }
    }
}
