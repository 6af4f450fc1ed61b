using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PSPeerChat.Crypto
{
    /// <summary>
    /// libsodium, loaded by full path from the module's folder (runtimes/&lt;rid&gt;/native, where build.ps1 puts the
    /// builds of the libsodium NuGet package), with the functions the engine calls. Only Ed25519 today.
    /// </summary>
    internal sealed class SodiumLibrary
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int InitFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr VersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int SeedKeypairFn(ref byte publicKey, ref byte secretKey, ref byte seed);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int SignDetachedFn(ref byte signature, IntPtr signatureLength, ref byte message, ulong length, ref byte secretKey);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int VerifyDetachedFn(ref byte signature, ref byte message, ulong length, ref byte publicKey);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int IsValidPointFn(ref byte point);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int AeadEncryptFn(ref byte ciphertext, IntPtr ciphertextLength, ref byte message, ulong messageLength, ref byte ad, ulong adLength, IntPtr nsec, ref byte nonce, ref byte key);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int AeadDecryptFn(ref byte message, IntPtr messageLength, IntPtr nsec, ref byte ciphertext, ulong ciphertextLength, ref byte ad, ulong adLength, ref byte nonce, ref byte key);

        private SodiumLibrary(string path, IntPtr handle)
        {
            Path = path;
            // sodium_init: 0 = initialised now, 1 = already (this copy), -1 = failed. Thread-safe, once is enough.
            int init = NativeLoader.Function<InitFn>(handle, "sodium_init")();
            if (init < 0) throw new InvalidOperationException("sodium_init returned " + init);
            Version = Marshal.PtrToStringAnsi(NativeLoader.Function<VersionFn>(handle, "sodium_version_string")());
            SeedKeypair = NativeLoader.Function<SeedKeypairFn>(handle, "crypto_sign_seed_keypair");
            SignDetached = NativeLoader.Function<SignDetachedFn>(handle, "crypto_sign_detached");
            VerifyDetached = NativeLoader.Function<VerifyDetachedFn>(handle, "crypto_sign_verify_detached");
            IsValidPoint = NativeLoader.Function<IsValidPointFn>(handle, "crypto_core_ed25519_is_valid_point");
            AeadEncrypt = NativeLoader.Function<AeadEncryptFn>(handle, "crypto_aead_chacha20poly1305_ietf_encrypt");
            AeadDecrypt = NativeLoader.Function<AeadDecryptFn>(handle, "crypto_aead_chacha20poly1305_ietf_decrypt");
        }

        public string Path { get; }

        /// <summary>sodium_version_string(): "1.0.22".</summary>
        public string Version { get; }

        public SeedKeypairFn SeedKeypair { get; }

        public SignDetachedFn SignDetached { get; }

        public VerifyDetachedFn VerifyDetached { get; }

        /// <summary>crypto_core_ed25519_is_valid_point: 1 for a canonical encoding of a point of the prime-order subgroup other than the identity.</summary>
        public IsValidPointFn IsValidPoint { get; }

        /// <summary>crypto_aead_chacha20poly1305_ietf_encrypt (RFC 8439): ciphertext and tag.</summary>
        public AeadEncryptFn AeadEncrypt { get; }

        /// <summary>crypto_aead_chacha20poly1305_ietf_decrypt: 0, or -1 when the tag does not verify.</summary>
        public AeadDecryptFn AeadDecrypt { get; }

        /// <summary>Loads the library at <paramref name="path"/>; throws with the reason when it cannot.</summary>
        public static SodiumLibrary Load(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException("no file " + path, path);
            return new SodiumLibrary(path, NativeLoader.Load(path));
        }

        /// <summary>
        /// Where this platform's build is: &lt;folder of PSPeerChat.Core.dll&gt;/runtimes/&lt;rid&gt;/native/libsodium.{dll,so,dylib},
        /// or null with the reason when no build is shipped for it.
        /// </summary>
        public static string DefaultPath(out string reason)
        {
            string rid = RuntimeId(out reason);
            if (rid == null) return null;
            string file = rid.StartsWith("win", StringComparison.Ordinal) ? "libsodium.dll" : rid.StartsWith("osx", StringComparison.Ordinal) ? "libsodium.dylib" : "libsodium.so";
            string folder = System.IO.Path.GetDirectoryName(typeof(SodiumLibrary).Assembly.Location);
            if (string.IsNullOrEmpty(folder)) folder = AppContext.BaseDirectory;
            string path = System.IO.Path.Combine(folder, "runtimes", rid, "native", file);
            // The module ships macOS's universal build once, as runtimes/osx (build.ps1); a NuGet output has osx-<arch>.
            string universal = System.IO.Path.Combine(folder, "runtimes", "osx", "native", file);
            return rid.StartsWith("osx", StringComparison.Ordinal) && !File.Exists(path) ? universal : path;
        }

        /// <summary>The NuGet runtime id of this process: win-x64, linux-musl-arm64, osx-arm64, ...</summary>
        public static string RuntimeId(out string reason)
        {
            reason = null;
            string arch;
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: arch = "x64"; break;
                case Architecture.Arm64: arch = "arm64"; break;
                case Architecture.X86: arch = "x86"; break;
                case Architecture.Arm: arch = "arm"; break;
                default: reason = "no libsodium build for the architecture " + RuntimeInformation.ProcessArchitecture; return null;
            }
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return "win-" + arch;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return "osx-" + arch;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return (IsMusl() ? "linux-musl-" : "linux-") + arch;
            reason = "no libsodium build for " + RuntimeInformation.OSDescription;
            return null;
        }

        // Alpine and other musl systems have the musl loader in /lib; a glibc build does not load there.
        private static bool IsMusl()
        {
            try
            {
                return Directory.Exists("/lib") && Directory.GetFiles("/lib", "ld-musl-*").Length > 0;
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
