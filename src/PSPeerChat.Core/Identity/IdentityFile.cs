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

        /// <summary>
        /// Writes the identity, readable and writable by its owner only (where the OS has such modes) from the moment the
        /// file exists: a file created with the umask's mode and tightened afterwards could be opened by another user in
        /// between, and an open handle keeps its access.
        /// </summary>
        /// <param name="created">Tests: called with the new, still empty file.</param>
        public static void Save(NodeIdentity identity, string path, bool overwrite, Action<FileStream> created = null)
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
            using (FileStream stream = CreateOwnerOnly(path, overwrite ? FileMode.Create : FileMode.CreateNew))
            {
                created?.Invoke(stream);
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
        /// Opens a new file with mode 600 from the first byte: FileStreamOptions.UnixCreateMode, which exists on the
        /// runtimes PowerShell 7 runs on but not in netstandard2.0, hence reflection. Where it does not exist (Windows
        /// PowerShell) the file keeps the ACL of its folder (the user profile is private by default); where a replaced
        /// file already existed, its mode is tightened too (UnixCreateMode applies only to a new file).
        /// </summary>
        internal static FileStream CreateOwnerOnly(string path, FileMode mode)
        {
            Type optionsType = Type.GetType("System.IO.FileStreamOptions");
            PropertyInfo createMode = optionsType?.GetProperty("UnixCreateMode");
            ConstructorInfo open = optionsType == null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
            if (createMode == null || open == null || Environment.OSVersion.Platform != PlatformID.Unix)
            {
                return new FileStream(path, mode, FileAccess.Write, FileShare.None);
            }
            object options = Activator.CreateInstance(optionsType);
            optionsType.GetProperty("Mode").SetValue(options, mode);
            optionsType.GetProperty("Access").SetValue(options, FileAccess.Write);
            optionsType.GetProperty("Share").SetValue(options, FileShare.None);
            Type unixMode = Nullable.GetUnderlyingType(createMode.PropertyType) ?? createMode.PropertyType;
            object ownerReadWrite = Enum.ToObject(unixMode, 0x100 | 0x80); // UserRead | UserWrite
            createMode.SetValue(options, ownerReadWrite);
            bool existed = File.Exists(path);
            FileStream stream;
            try
            {
                stream = (FileStream)open.Invoke(new[] { path, options });
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
            if (existed)
            {
                MethodInfo setMode = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), unixMode });
                setMode?.Invoke(null, new[] { path, ownerReadWrite });
            }
            return stream;
        }
    }
}
