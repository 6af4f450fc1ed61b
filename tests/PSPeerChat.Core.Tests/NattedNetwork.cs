using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Transport;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A host behind a NAT router on a <see cref="MemoryNetwork"/>: it listens on its private address, and every
    /// connection it dials comes out from the router's public address, where nobody listens for it.
    /// </summary>
    internal sealed class NattedNetwork : ILinkNetwork
    {
        private readonly MemoryNetwork _inner;
        private readonly IPAddress _public;

        public NattedNetwork(MemoryNetwork inner, IPAddress publicAddress)
        {
            _inner = inner;
            _public = publicAddress;
        }

        public ILinkListener Listen(IPEndPoint endPoint, bool dualMode) => _inner.Listen(endPoint, dualMode);

        public Task<ILinkTransport> ConnectAsync(IPEndPoint remote, CancellationToken cancel) => _inner.ConnectFromAsync(_public, remote);
    }
}
