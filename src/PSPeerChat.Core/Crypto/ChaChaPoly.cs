namespace PSPeerChat.Crypto
{
    /// <summary>
    /// ChaCha20-Poly1305 with a 96-bit nonce (RFC 8439, libsodium's "IETF" variant) under one key, for one owner (not
    /// thread-safe): a Noise CipherState (protocol.md §9). Input and output must not overlap. No allocation per call.
    /// </summary>
    internal abstract class ChaChaPoly
    {
        public const int KeySize = 32;
        public const int NonceSize = 12;
        public const int TagSize = 16;

        /// <summary>The key for the calls that follow (32 bytes, copied); null forgets it.</summary>
        public abstract void SetKey(byte[] key);

        /// <summary>Encrypts <paramref name="count"/> bytes and appends the tag: writes count + 16 bytes, returns that.</summary>
        public abstract int Seal(byte[] nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset);

        /// <summary>
        /// Checks the tag of <paramref name="count"/> bytes (ciphertext and tag) and decrypts them: returns count - 16, or
        /// -1 when the tag does not verify (then nothing in <paramref name="output"/> may be used).
        /// </summary>
        public abstract int Open(byte[] nonce, byte[] ad, byte[] input, int offset, int count, byte[] output, int outputOffset);
    }
}
