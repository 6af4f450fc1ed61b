namespace PSPeerChat.Crypto
{
    /// <summary>A backend and the sentence that says why it was chosen (<see cref="CryptoBackends.Choose"/>).</summary>
    internal sealed class CryptoChoice
    {
        public CryptoChoice(ICryptoBackend backend, string description)
        {
            Backend = backend;
            Description = description;
        }

        public ICryptoBackend Backend { get; }

        public string Description { get; }
    }
}
