using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>
    /// A network in one process's memory, for tests: listeners by address and port, dialled over pipe pairs (as
    /// Bedrock's MemoryTransport does). Addresses look like IP ones, so the nodes' address books, ADDR frames and
    /// duplicate rules work unchanged; a listener on :: or 0.0.0.0 answers every address of its port.
    /// Failures look like the socket ones: a port nobody listens on refuses (ConnectionRefused).
    /// </summary>
    internal sealed class MemoryNetwork : ILinkNetwork
    {
        private const int FirstPort = 20000;

        private readonly object _gate = new object();
        private readonly Dictionary<IPEndPoint, Listener> _listeners = new Dictionary<IPEndPoint, Listener>();
        private int _nextPort = FirstPort;
        private int _nextEphemeral = 40000;
        private long _bytesInFlight;

        /// <summary>Bytes sent on any link of this network and not yet received: 0 when every pipe is drained.</summary>
        public long BytesInFlight => Interlocked.Read(ref _bytesInFlight);

        internal void Account(long bytes) => Interlocked.Add(ref _bytesInFlight, bytes);

        /// <summary>Listeners open now.</summary>
        public int ListenerCount
        {
            get { lock (_gate) return _listeners.Count; }
        }

        public ILinkListener Listen(IPEndPoint endPoint, bool dualMode)
        {
            lock (_gate)
            {
                int port = endPoint.Port;
                if (port == 0)
                {
                    do
                    {
                        port = _nextPort++;
                        if (_nextPort > 65535) _nextPort = FirstPort;
                    }
                    while (IsTaken(port, endPoint.Address));
                }
                else if (IsTaken(port, endPoint.Address))
                {
                    throw new SocketException((int)SocketError.AddressAlreadyInUse);
                }
                var listener = new Listener(this, new IPEndPoint(endPoint.Address, port));
                _listeners.Add(listener.LocalEndPoint, listener);
                return listener;
            }
        }

        public Task<ILinkTransport> ConnectAsync(IPEndPoint remote, CancellationToken cancel)
        {
            if (cancel.IsCancellationRequested) return Task.FromCanceled<ILinkTransport>(cancel);
            return ConnectFromAsync(IsAny(remote.Address) ? Loopback(remote.Address) : remote.Address, remote);
        }

        /// <summary>Dials as a host with address <paramref name="source"/> would (tests of limits per address and network).</summary>
        public Task<ILinkTransport> ConnectFromAsync(IPAddress source, IPEndPoint remote)
        {
            Listener listener = Find(remote);
            if (listener == null) return Task.FromException<ILinkTransport>(new SocketException((int)SocketError.ConnectionRefused));
            IPEndPoint dialler;
            lock (_gate) dialler = new IPEndPoint(source, _nextEphemeral++);
            MemoryTransport.CreatePair(this, dialler, remote, out MemoryTransport diallerEnd, out MemoryTransport acceptorEnd);
            if (!listener.Offer(acceptorEnd)) return Task.FromException<ILinkTransport>(new SocketException((int)SocketError.ConnectionRefused));
            return Task.FromResult<ILinkTransport>(diallerEnd);
        }

        private Listener Find(IPEndPoint remote)
        {
            lock (_gate)
            {
                foreach (Listener l in _listeners.Values)
                {
                    if (l.LocalEndPoint.Port != remote.Port) continue;
                    if (IsAny(l.LocalEndPoint.Address) || l.LocalEndPoint.Address.Equals(remote.Address) || (IsAny(remote.Address) && IPAddress.IsLoopback(l.LocalEndPoint.Address))) return l;
                }
                return null;
            }
        }

        private bool IsTaken(int port, IPAddress address)
        {
            foreach (IPEndPoint bound in _listeners.Keys)
            {
                if (bound.Port == port && (IsAny(bound.Address) || IsAny(address) || bound.Address.Equals(address))) return true;
            }
            return false;
        }

        private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

        private static IPAddress Loopback(IPAddress any) => any.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;

        private void Remove(Listener listener)
        {
            lock (_gate) _listeners.Remove(listener.LocalEndPoint);
        }

        private sealed class Listener : ILinkListener
        {
            private readonly MemoryNetwork _network;
            private readonly object _gate = new object();
            private readonly Queue<MemoryTransport> _backlog = new Queue<MemoryTransport>();
            private TaskCompletionSource<ILinkTransport> _accepting;
            private bool _disposed;

            public Listener(MemoryNetwork network, IPEndPoint endPoint)
            {
                _network = network;
                LocalEndPoint = endPoint;
            }

            public IPEndPoint LocalEndPoint { get; }

            public bool Offer(MemoryTransport accepted)
            {
                TaskCompletionSource<ILinkTransport> waiting;
                lock (_gate)
                {
                    if (_disposed || (_accepting == null && _backlog.Count >= 128)) return false;
                    waiting = _accepting;
                    _accepting = null;
                    if (waiting == null) _backlog.Enqueue(accepted);
                }
                waiting?.TrySetResult(accepted);
                return true;
            }

            public Task<ILinkTransport> AcceptAsync()
            {
                lock (_gate)
                {
                    if (_disposed) return Task.FromException<ILinkTransport>(new ObjectDisposedException(nameof(MemoryNetwork)));
                    if (_backlog.Count > 0) return Task.FromResult<ILinkTransport>(_backlog.Dequeue());
                    _accepting = new TaskCompletionSource<ILinkTransport>(TaskCreationOptions.RunContinuationsAsynchronously);
                    return _accepting.Task;
                }
            }

            public void Dispose()
            {
                TaskCompletionSource<ILinkTransport> waiting;
                MemoryTransport[] unaccepted;
                lock (_gate)
                {
                    if (_disposed) return;
                    _disposed = true;
                    waiting = _accepting;
                    _accepting = null;
                    unaccepted = _backlog.ToArray();
                    _backlog.Clear();
                }
                _network.Remove(this);
                foreach (MemoryTransport t in unaccepted) t.Abort();
                waiting?.TrySetException(new ObjectDisposedException(nameof(MemoryNetwork)));
            }
        }
    }
}
