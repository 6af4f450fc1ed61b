using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Transport;

namespace PSPeerChat.Core.Tests
{
    /// <summary>A listener on a <see cref="MemoryNetwork"/> that only counts the connections it gets and holds them open, silent.</summary>
    internal sealed class CountingListener : IDisposable
    {
        private readonly ILinkListener _listener;
        private readonly List<ILinkTransport> _accepted = new List<ILinkTransport>();
        private int _count;

        public CountingListener(MemoryNetwork network, IPEndPoint endPoint)
        {
            _listener = network.Listen(endPoint, dualMode: false);
            _ = AcceptLoopAsync();
        }

        public int Port => _listener.LocalEndPoint.Port;

        public int Count => Volatile.Read(ref _count);

        private async Task AcceptLoopAsync()
        {
            while (true)
            {
                ILinkTransport transport;
                try
                {
                    transport = await _listener.AcceptAsync();
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                lock (_accepted) _accepted.Add(transport);
                Interlocked.Increment(ref _count);
            }
        }

        public void Dispose()
        {
            _listener.Dispose();
            lock (_accepted)
            {
                foreach (ILinkTransport t in _accepted) t.Dispose();
            }
        }
    }
}
