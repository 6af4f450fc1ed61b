using System;
using System.Net;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>Accepts links at one address. Dispose stops it; a pending accept then fails with ObjectDisposedException.</summary>
    internal interface ILinkListener : IDisposable
    {
        /// <summary>Where it listens (the port the OS or the in-memory network gave).</summary>
        IPEndPoint LocalEndPoint { get; }

        Task<ILinkTransport> AcceptAsync();
    }
}
