using System;

namespace PSPeerChat.Crypto
{
    /// <summary>
    /// Chooses the process's crypto backend once, at first use: libsodium when it loads and passes <see cref="SelfTest"/>,
    /// else BouncyCastle with the reason kept. PSPEERCHAT_CRYPTO=BouncyCastle or =Sodium forces one (tests, the bench);
    /// a forced libsodium that cannot load still falls back to BouncyCastle, and says so.
    /// </summary>
    internal static class CryptoBackends
    {
        public const string Variable = "PSPEERCHAT_CRYPTO";

        private static readonly Lazy<CryptoChoice> Chosen = new Lazy<CryptoChoice>(() => Choose(Environment.GetEnvironmentVariable(Variable), null));

        /// <summary>The backend every identity and verifier of this process uses unless given another.</summary>
        public static ICryptoBackend Current => Chosen.Value.Backend;

        /// <summary>What Get-PeerNode shows: "libsodium 1.0.22" or "BouncyCastle 2.7.0 (libsodium not loaded: ...)".</summary>
        public static string Description => Chosen.Value.Description;

        /// <summary>
        /// The choice for a setting (null, "", "Auto", "Sodium"/"libsodium", "BouncyCastle"; anything else counts as Auto
        /// and is named in the description) and a library path (null: <see cref="SodiumLibrary.DefaultPath"/>).
        /// </summary>
        public static CryptoChoice Choose(string setting, string libraryPath)
        {
            string s = (setting ?? string.Empty).Trim();
            if (s.Equals("BouncyCastle", StringComparison.OrdinalIgnoreCase))
            {
                return new CryptoChoice(BouncyCastleBackend.Instance, BouncyCastleBackend.Instance.Name + " (forced by " + Variable + ")");
            }
            bool forced = s.Equals("Sodium", StringComparison.OrdinalIgnoreCase) || s.Equals("libsodium", StringComparison.OrdinalIgnoreCase);
            string note = forced || s.Length == 0 || s.Equals("Auto", StringComparison.OrdinalIgnoreCase) ? string.Empty : "; " + Variable + "='" + s + "' is not BouncyCastle, Sodium or Auto";
            string reason = null;
            try
            {
                string path = libraryPath ?? SodiumLibrary.DefaultPath(out reason);
                if (path != null)
                {
                    SodiumBackend sodium = SodiumBackend.Load(path);
                    return new CryptoChoice(sodium, sodium.Name + (note.Length == 0 ? string.Empty : " (" + note.Substring(2) + ")"));
                }
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                // Anything the platform probe, a loader, a missing export or the self-test throws: the node still
                // works, on BouncyCastle.
                reason = e.GetType().Name + ": " + e.Message;
            }
            string why = (forced ? Variable + "=" + s + " but " : string.Empty) + "libsodium not loaded: " + reason;
            return new CryptoChoice(BouncyCastleBackend.Instance, BouncyCastleBackend.Instance.Name + " (" + why + note + ")");
        }
    }
}
