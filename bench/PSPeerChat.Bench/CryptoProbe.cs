using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Security.Cryptography;
using PSPeerChat.Crypto;

namespace PSPeerChat.Bench
{
    /// <summary>The crypto bound of a run: how fast one core (and every core) verifies and signs Ed25519 signatures.</summary>
    internal static class CryptoProbe
    {
        /// <summary>
        /// Ed25519 with the crypto backend the engine uses in this process (<see cref="CryptoBackends.Current"/>: libsodium
        /// where it loads, else BouncyCastle; PSPEERCHAT_CRYPTO forces one), one thread, as the engine calls it (a decoded
        /// public key, 200-byte messages): warm-up until the JIT has settled (0.5 s per operation), then three passes over 2000 signatures;
        /// the best pass counts, since the machine is shared and noise only ever slows a pass down.
        /// </summary>
        public static void Measure(out double verifyPerSec, out double verifyPerSecAllCores, out double signPerSec, out double verifyAllocBytes, out Func<double> measureVerify)
        {
            const int count = 2000;
            const int passes = 3;
            ICryptoBackend backend = CryptoBackends.Current;
            byte[] seed = new byte[32];
            RandomNumberGenerator.Fill(seed);
            Ed25519SigningKey priv = backend.SigningKey(seed);
            Ed25519PublicKey pub = backend.PublicKey(priv.PublicKey, 0);
            var random = new Random(1);
            var messages = new byte[count][];
            var signatures = new byte[count][];
            for (int i = 0; i < count; i++)
            {
                messages[i] = new byte[200];
                random.NextBytes(messages[i]);
                signatures[i] = new byte[Ed25519SigningKey.SignatureSize];
            }

            var clock = Stopwatch.StartNew();
            for (int i = 0; clock.ElapsedMilliseconds < 500; i = (i + 1) % count) priv.Sign(messages[i], 0, 200, signatures[i], 0);
            signPerSec = 0;
            for (int pass = 0; pass < passes; pass++)
            {
                clock.Restart();
                for (int i = 0; i < count; i++) priv.Sign(messages[i], 0, 200, signatures[i], 0);
                signPerSec = Math.Max(signPerSec, count / clock.Elapsed.TotalSeconds);
            }

            bool ok = true;
            clock.Restart();
            for (int i = 0; clock.ElapsedMilliseconds < 500; i = (i + 1) % count) ok &= pub.Verify(messages[i], 0, 200, signatures[i], 0);
            measureVerify = () =>
            {
                double best = 0;
                var passClock = new Stopwatch();
                for (int pass = 0; pass < passes; pass++)
                {
                    passClock.Restart();
                    for (int i = 0; i < count; i++) pub.Verify(messages[i], 0, 200, signatures[i], 0);
                    best = Math.Max(best, count / passClock.Elapsed.TotalSeconds);
                }
                return best;
            };
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            verifyPerSec = measureVerify();
            verifyAllocBytes = (GC.GetAllocatedBytesForCurrentThread() - alloc0) / (double)(count * passes);

            // The bound assumes the cores verify independently; one thread per core for 0.5 s checks that they do
            // (a shared physical core or a throttled host would show here, not as a slow network).
            long total = 0;
            var all = Stopwatch.StartNew();
            Thread[] workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
            {
                long c = 0;
                for (int i = 0; all.ElapsedMilliseconds < 500; i = (i + 1) % count, c++) pub.Verify(messages[i], 0, 200, signatures[i], 0);
                Interlocked.Add(ref total, c);
            })).ToArray();
            foreach (Thread w in workers) w.Start();
            foreach (Thread w in workers) w.Join();
            verifyPerSecAllCores = total / all.Elapsed.TotalSeconds;
            if (!ok) throw new InvalidOperationException("a " + backend.Name + " signature did not verify");
        }
    }
}
