using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// Where a node listens and dials: TCP (<see cref="SocketNetwork"/>) or one process's memory
    /// (<see cref="MemoryNetwork"/>). Both report failures the same way, as <see cref="System.Net.Sockets.SocketException"/>.
    /// </summary>
    internal interface ILinkNetwork
    {
        /// <summary>Listens at <paramref name="endPoint"/> (port 0: any free port). SocketException AddressAlreadyInUse when taken.</summary>
        ILinkListener Listen(IPEndPoint endPoint, bool dualMode);

        /// <summary>Dials; SocketException when refused or unreachable, OperationCanceledException when <paramref name="cancel"/> fired first.</summary>
        Task<ILinkTransport> ConnectAsync(IPEndPoint remote, CancellationToken cancel);
    }
}
