using System;
using System.IO;
using System.Linq;
using PSPeerChat.Identity;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Identity files: created owner-only, loaded back to the same id, and never silently replaced when damaged.</summary>
    public sealed class IdentityFileTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "pspeerchat-identity-tests-" + Guid.NewGuid().ToString("N"));

        public IdentityFileTests()
        {
            Directory.CreateDirectory(_dir);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }

        private string PathOf(string name) => Path.Combine(_dir, name);

        private static string Line(string path, string field) => File.ReadAllLines(path).Single(l => l.StartsWith(field + ":"));

        private static void ReplaceLine(string path, string field, Func<string, string> change)
        {
            string[] lines = File.ReadAllLines(path);
            int i = Array.FindIndex(lines, l => l.StartsWith(field + ":"));
            Assert.True(i >= 0, field + " line missing");
            lines[i] = change(lines[i]);
            File.WriteAllLines(path, lines);
        }

        /// <summary>Changes one base64 character of a key to another (never the last ones, whose low bits base64 may ignore).</summary>
        private static string FlipKeyCharacter(string line)
        {
            int at = line.IndexOf(':') + 2;
            char c = line[at];
            return line.Substring(0, at) + (c == 'A' ? 'B' : 'A') + line.Substring(at + 1);
        }

        [Fact]
        public void LoadOrCreate_creates_an_owner_only_file_and_loads_the_same_identity_back()
        {
            string path = PathOf("sub/dir/node.identity"); // the folders are created too

            NodeIdentity created = IdentityFile.LoadOrCreate(path, out bool wasCreated);

            Assert.True(wasCreated);
            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
            string text = File.ReadAllText(path);
            Assert.Contains("id: " + created.NodeId, text);
            Assert.DoesNotContain(Convert.ToBase64String(created.SigningPublicKey), text); // it holds private keys, not a copy of public ones

            NodeIdentity loaded = IdentityFile.LoadOrCreate(path, out bool createdAgain);

            Assert.False(createdAgain);
            Assert.Equal(created.NodeId, loaded.NodeId);
            Assert.Equal(created.SigningPublicKey, loaded.SigningPublicKey);
            Assert.Equal(created.EncryptionPublicKey, loaded.EncryptionPublicKey);
            Assert.Equal(created.ExportSigningSeed(), loaded.ExportSigningSeed());
            Assert.Equal(created.ExportEncryptionKey(), loaded.ExportEncryptionKey());
            Assert.Equal(text, File.ReadAllText(path)); // loading does not rewrite it
        }

        [Fact]
        public void A_loaded_identity_signs_what_the_original_verifies()
        {
            string path = PathOf("sign.identity");
            NodeIdentity created = IdentityFile.LoadOrCreate(path, out _);
            NodeIdentity loaded = IdentityFile.Load(path);

            var message = Frames.Decode(Frames.NewMessage("me", "signed after a reload", signer: loaded).Frame);

            Assert.Equal(created.NodeId, message.OriginId);
            Assert.True(Protocol.MessageFrame.VerifySignature(message, new SignatureVerifier()));
        }

        [Fact]
        public void A_node_started_twice_with_the_same_IdentityPath_has_the_same_id()
        {
            string path = PathOf("node.identity");
            PeerNodeOptions Options()
            {
                PeerNodeOptions o = TestNetwork.Options("persistent");
                o.IdentityPath = path;
                return o;
            }

            string first;
            using (PeerNode node = PeerNode.Start(Options())) first = node.Id;
            Assert.True(File.Exists(path));
            string second;
            using (PeerNode node = PeerNode.Start(Options())) second = node.Id;
            using PeerNode other = PeerNode.Start(TestNetwork.Options("ephemeral"));

            Assert.Equal(first, second);
            Assert.Equal(PeerIdentity.Read(path).Id, first);
            Assert.NotEqual(first, other.Id);
        }

        [Theory]
        [InlineData("signing-key", "checksum does not match")]
        [InlineData("encryption-key", "checksum does not match")]
        public void A_changed_key_line_is_refused_with_a_clear_message(string field, string why)
        {
            string path = PathOf("tampered.identity");
            PeerIdentity.Create(path, overwrite: false);
            ReplaceLine(path, field, FlipKeyCharacter);

            var e = Assert.Throws<InvalidDataException>(() => IdentityFile.Load(path));

            Assert.Contains(path, e.Message);
            Assert.Contains("damaged or was changed", e.Message);
            Assert.Contains(why, e.Message);
            Assert.Throws<InvalidDataException>(() => PeerIdentity.Read(path));
        }

        [Fact]
        public void A_changed_id_line_is_refused_with_a_clear_message()
        {
            string path = PathOf("id.identity");
            PeerIdentity original = PeerIdentity.Create(path, overwrite: false);
            string otherId = NodeIdentity.Create().NodeId.ToString();
            ReplaceLine(path, "id", _ => "id: " + otherId);

            var e = Assert.Throws<InvalidDataException>(() => IdentityFile.Load(path));

            Assert.Contains(path, e.Message);
            Assert.Contains("the id does not belong to the signing key", e.Message);
            Assert.NotEqual(original.Id, otherId);
        }

        [Fact]
        public void A_changed_checksum_line_is_refused()
        {
            string path = PathOf("sum.identity");
            PeerIdentity.Create(path, overwrite: false);
            ReplaceLine(path, "checksum", line => line.Substring(0, line.Length - 1) + (line.EndsWith("0") ? "1" : "0"));

            var e = Assert.Throws<InvalidDataException>(() => IdentityFile.Load(path));

            Assert.Contains("checksum does not match", e.Message);
        }

        [Theory]
        [InlineData("a random text file\nwith two lines\n")]
        [InlineData("")]
        [InlineData("version: 1\nid: 00\n")]
        public void A_file_that_is_not_an_identity_file_is_refused_with_a_clear_message(string content)
        {
            string path = PathOf("foreign.txt");
            File.WriteAllText(path, content);

            var e = Assert.Throws<InvalidDataException>(() => IdentityFile.Load(path));

            Assert.Contains(path, e.Message);
            Assert.Contains("is not a PSPeerChat identity file", e.Message);
        }

        [Fact]
        public void A_node_given_a_damaged_identity_file_does_not_start_and_leaves_the_file_alone()
        {
            string path = PathOf("damaged.identity");
            PeerIdentity.Create(path, overwrite: false);
            ReplaceLine(path, "signing-key", FlipKeyCharacter);
            string damaged = File.ReadAllText(path);
            PeerNodeOptions options = TestNetwork.Options("damaged");
            options.IdentityPath = path;

            Assert.Throws<InvalidDataException>(() => PeerNode.Start(options));

            Assert.Equal(damaged, File.ReadAllText(path)); // never silently a new identity
        }

        [Fact]
        public void PeerIdentity_Create_refuses_to_overwrite_unless_asked()
        {
            string path = PathOf("keep.identity");
            PeerIdentity first = PeerIdentity.Create(path, overwrite: false);
            string before = File.ReadAllText(path);

            Assert.Throws<IOException>(() => PeerIdentity.Create(path, overwrite: false));

            Assert.Equal(before, File.ReadAllText(path));
            Assert.Equal(first.Id, PeerIdentity.Read(path).Id);
            Assert.Equal(Path.GetFullPath(path), first.Path);
            Assert.Equal(first.Id.Substring(0, 8), first.ShortId);

            PeerIdentity replaced = PeerIdentity.Create(path, overwrite: true);

            Assert.NotEqual(first.Id, replaced.Id);
            Assert.Equal(replaced.Id, PeerIdentity.Read(path).Id);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }

        [Fact]
        public void PeerIdentity_Create_over_a_wider_open_file_leaves_it_owner_only()
        {
            if (OperatingSystem.IsWindows()) return;
            string path = PathOf("wide.identity");
            File.WriteAllText(path, "old");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            PeerIdentity.Create(path, overwrite: true);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void A_new_identity_file_is_owner_only_from_its_first_byte_not_tightened_after()
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // Windows: the folder's ACL
            string path = Path.Combine(Path.GetTempPath(), "pspc-" + Guid.NewGuid().ToString("N") + ".key");
            try
            {
                UnixFileMode? atCreation = null;
                // Seen through the new file's own handle before a byte is written: where another user could open it.
                IdentityFile.Save(NodeIdentity.Create(), path, overwrite: false, created: s => atCreation = File.GetUnixFileMode(s.SafeFileHandle));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, atCreation);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
