namespace PSPeerChat.Content
{
    /// <summary>
    /// The bounds of an object message's JSON (protocol.md §3.13): what a peer's document may make the reader build.
    /// The input itself is at most a message text (64,000 UTF-8 bytes, so as many characters at most).
    /// </summary>
    internal static class JsonLimits
    {
        /// <summary>Longest document, in characters: a message text's 64,000 bytes never decode to more.</summary>
        public const int MaxChars = 64000;

        /// <summary>Deepest nesting of objects and arrays: 32 (the top-level container is depth 1).</summary>
        public const int MaxDepth = 32;

        /// <summary>Most values in one document, every object, array, string, number, true, false and null counted: 10,000.</summary>
        public const int MaxValues = 10000;

        /// <summary>Longest property name, in characters (after unescaping).</summary>
        public const int MaxNameChars = 1024;

        /// <summary>Longest number literal, in characters: longer ones are refused before any conversion is tried.</summary>
        public const int MaxNumberChars = 400;
    }
}
