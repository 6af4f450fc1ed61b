using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>Links over TCP: the network every node uses unless a test gives it a <see cref="MemoryNetwork"/>.</summary>
    internal sealed class SocketNetwork : ILinkNetwork
    {
        public static readonly SocketNetwork Instance = new SocketNetwork();

        private SocketNetwork()
        {
        }

        public ILinkListener Listen(IPEndPoint endPoint, bool dualMode)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (dualMode) socket.DualMode = true;
                socket.Bind(endPoint);
                socket.Listen(128);
                return new Listener(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public async Task<ILinkTransport> ConnectAsync(IPEndPoint remote, CancellationToken cancel)
        {
            var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // netstandard2.0 has no cancellable connect: disposing the socket is how a pending one is abandoned.
                Task connect = socket.ConnectAsync(remote);
                var gaveUp = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (cancel.Register(() => gaveUp.TrySetResult(true)))
                {
                    if (await Task.WhenAny(connect, gaveUp.Task).ConfigureAwait(false) != connect)
                    {
                        _ = connect.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                        throw new OperationCanceledException(cancel);
                    }
                }
                await connect.ConfigureAwait(false);
                return new SocketTransport(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        private sealed class Listener : ILinkListener
        {
            private readonly Socket _socket;

            public Listener(Socket socket)
            {
                _socket = socket;
                LocalEndPoint = (IPEndPoint)socket.LocalEndPoint;
            }

            public IPEndPoint LocalEndPoint { get; }

            public async Task<ILinkTransport> AcceptAsync() => new SocketTransport(await _socket.AcceptAsync().ConfigureAwait(false));

            public void Dispose()
            {
                try
                {
                    _socket.Dispose();
                }
                catch (Exception)
                {
                    // closing a listener that failed is not an error
                }
            }
        }
    }
}
