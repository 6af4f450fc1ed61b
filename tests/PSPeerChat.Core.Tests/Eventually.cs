using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Sdk;

namespace PSPeerChat.Core.Tests
{
    /// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
    internal static class Eventually
    {
        private const int PollMilliseconds = 15;

        public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

        public static void Until(Func<bool> condition, TimeSpan timeout, string what) => Until(condition, timeout, what, null);

        public static void Until(Func<bool> condition, TimeSpan timeout, string what, Func<string> state)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                if (clock.Elapsed > timeout) throw Failure(timeout, what, state);
                Thread.Sleep(PollMilliseconds);
            }
        }

        /// <summary>The same for async tests: polls without blocking a thread-pool thread the engine needs.</summary>
        public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string> state = null)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                if (clock.Elapsed > timeout) throw Failure(timeout, what, state);
                await Task.Delay(PollMilliseconds).ConfigureAwait(false);
            }
        }

        /// <summary>Awaits a task, failing the test when it does not complete within the timeout.</summary>
        public static async Task<T> Within<T>(Task<T> task, TimeSpan timeout, string what)
        {
            if (await Task.WhenAny(task, Task.Delay(timeout)).ConfigureAwait(false) != task)
                throw new XunitException("Timed out after " + timeout.TotalSeconds.ToString("0.##") + " s waiting until " + what + ".");
            return await task.ConfigureAwait(false);
        }

        public static async Task Within(Task task, TimeSpan timeout, string what)
        {
            if (await Task.WhenAny(task, Task.Delay(timeout)).ConfigureAwait(false) != task)
                throw new XunitException("Timed out after " + timeout.TotalSeconds.ToString("0.##") + " s waiting until " + what + ".");
            await task.ConfigureAwait(false);
        }

        private static XunitException Failure(TimeSpan timeout, string what, Func<string> state)
        {
            string message = "Timed out after " + timeout.TotalSeconds.ToString("0.##") + " s waiting until " + what + ".";
            if (state != null) message += " State: " + state();
            return new XunitException(message);
        }
    }
}
