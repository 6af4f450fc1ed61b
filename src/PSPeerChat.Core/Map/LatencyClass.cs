namespace PSPeerChat.Map
{
    /// <summary>How a link is coloured on the map, by its keepalive round trip; the same classes in every format.</summary>
    internal static class LatencyClass
    {
        /// <summary>Upper bounds (ms, exclusive) of the classes fast, good, slow; anything above is very slow.</summary>
        public static readonly double[] Bounds = { 10, 50, 200 };

        public static readonly string[] Names = { "fast", "good", "slow", "very-slow", "unknown" };

        public static readonly string[] Colours = { "#2e7d32", "#9e9d24", "#ef6c00", "#c62828", "#9e9e9e" };

        public static readonly string[] Labels = { "under 10 ms", "10 - 50 ms", "50 - 200 ms", "200 ms or more", "not measured" };

        public static int Of(double? latencyMs)
        {
            if (!latencyMs.HasValue) return Names.Length - 1;
            for (int i = 0; i < Bounds.Length; i++)
            {
                if (latencyMs.Value < Bounds[i]) return i;
            }
            return Bounds.Length;
        }

        public static string Format(double? latencyMs) => latencyMs.HasValue ? latencyMs.Value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " ms" : "no latency yet";
    }
}
