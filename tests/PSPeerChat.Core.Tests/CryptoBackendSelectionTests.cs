using System.IO;
using PSPeerChat.Crypto;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    /// <summary>How the process's crypto backend is chosen (docs/performance.md, "Crypto backend"): libsodium when it loads, BouncyCastle with the reason otherwise.</summary>
    public class CryptoBackendSelectionTests
    {
        [Fact]
        public void By_default_libsodium_is_loaded_from_the_runtimes_folder_beside_the_engine()
        {
            CryptoChoice choice = CryptoBackends.Choose(null, null);
            var sodium = Assert.IsType<SodiumBackend>(choice.Backend);
            Assert.Equal("libsodium 1.0.22", choice.Description);
            string folder = Path.GetDirectoryName(typeof(SodiumBackend).Assembly.Location);
            Assert.StartsWith(Path.Combine(folder, "runtimes"), sodium.Path);
            Assert.Equal(SodiumLibrary.DefaultPath(out _), sodium.Path);
        }

        [Theory]
        [InlineData("BouncyCastle")]
        [InlineData("bouncycastle")]
        public void The_variable_forces_BouncyCastle(string setting)
        {
            CryptoChoice choice = CryptoBackends.Choose(setting, null);
            Assert.Same(BouncyCastleBackend.Instance, choice.Backend);
            Assert.Equal("BouncyCastle 2.7.0 (forced by PSPEERCHAT_CRYPTO)", choice.Description);
        }

        [Theory]
        [InlineData("Sodium")]
        [InlineData("libsodium")]
        [InlineData("Auto")]
        [InlineData("")]
        public void The_variable_asks_for_libsodium_or_lets_it_be_chosen(string setting)
        {
            Assert.IsType<SodiumBackend>(CryptoBackends.Choose(setting, null).Backend);
        }

        [Fact]
        public void A_missing_library_falls_back_to_BouncyCastle_with_the_reason()
        {
            string missing = Path.Combine(Path.GetTempPath(), "no-such-folder", "libsodium.so");
            CryptoChoice choice = CryptoBackends.Choose(null, missing);
            Assert.Same(BouncyCastleBackend.Instance, choice.Backend);
            Assert.Equal("BouncyCastle 2.7.0 (libsodium not loaded: FileNotFoundException: no file " + missing + ")", choice.Description);
        }

        [Fact]
        public void A_file_that_is_no_library_falls_back_and_a_forced_libsodium_says_it_was_asked_for()
        {
            string notALibrary = Path.GetTempFileName();
            try
            {
                File.WriteAllText(notALibrary, "not a shared library");
                CryptoChoice choice = CryptoBackends.Choose("Sodium", notALibrary);
                Assert.Same(BouncyCastleBackend.Instance, choice.Backend);
                Assert.StartsWith("BouncyCastle 2.7.0 (PSPEERCHAT_CRYPTO=Sodium but libsodium not loaded: DllNotFoundException", choice.Description);
            }
            finally
            {
                File.Delete(notALibrary);
            }
        }

        [Fact]
        public void An_unknown_setting_counts_as_Auto_and_is_named()
        {
            CryptoChoice choice = CryptoBackends.Choose("Fastest", null);
            Assert.IsType<SodiumBackend>(choice.Backend);
            Assert.Equal("libsodium 1.0.22 (PSPEERCHAT_CRYPTO='Fastest' is not BouncyCastle, Sodium or Auto)", choice.Description);
        }

        [Fact]
        public void Both_backends_pass_the_self_test()
        {
            SelfTest.Check(BouncyCastleBackend.Instance);
            SelfTest.Check(CryptoBackends.Choose("Sodium", null).Backend);
        }
    }
}
