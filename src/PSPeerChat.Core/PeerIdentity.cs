using System.IO;
using PSPeerChat.Identity;

namespace PSPeerChat
{
    /// <summary>A node identity stored in a file (New-PeerIdentity, Start-PeerNode -IdentityPath): what it is, never its private keys.</summary>
    public sealed class PeerIdentity
    {
        private PeerIdentity(NodeIdentity identity, string path)
        {
            Id = identity.NodeId.ToString();
            Path = path;
        }

        /// <summary>The node id this identity gives a node.</summary>
        public string Id { get; }

        /// <summary>The fingerprint shown beside the node's name.</summary>
        public string ShortId => Id.Substring(0, 8);

        public string Path { get; }

        /// <summary>Creates a new identity file (owner-only permissions where the OS has them).</summary>
        /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false.</exception>
        public static PeerIdentity Create(string path, bool overwrite)
        {
            NodeIdentity identity = NodeIdentity.Create();
            IdentityFile.Save(identity, path, overwrite);
            return new PeerIdentity(identity, System.IO.Path.GetFullPath(path));
        }

        /// <summary>Reads an identity file.</summary>
        /// <exception cref="InvalidDataException">The file is not an identity file, or it was changed or damaged.</exception>
        public static PeerIdentity Read(string path) => new PeerIdentity(IdentityFile.Load(path), System.IO.Path.GetFullPath(path));

        public override string ToString() => Id;
    }
}
