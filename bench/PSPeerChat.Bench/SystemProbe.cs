using System;
using System.Globalization;

namespace PSPeerChat.Bench
{
    /// <summary>What the host is doing besides the bench: the machine is shared.</summary>
    internal static class SystemProbe
    {
        /// <summary>The 1-minute load average (/proc/loadavg); NaN where there is none.</summary>
        public static double LoadAverage()
        {
            try
            {
                string text = System.IO.File.ReadAllText("/proc/loadavg");
                return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (Exception)
            {
                return double.NaN;
            }
        }
    }
}
