using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace PSPeerChat.Transport
{
    /// <summary>A link's bytes over a TCP socket (Nagle off: frames are small and latency matters).</summary>
    internal sealed class SocketTransport : ILinkTransport
    {
        private readonly Socket _socket;

        public SocketTransport(Socket socket)
        {
            _socket = socket;
            _socket.NoDelay = true;
            RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        }

        public IPEndPoint RemoteEndPoint { get; }

        public bool HasUnreadData
        {
            get
            {
                try
                {
                    return _socket.Available > 0;
                }
                catch (Exception)
                {
                    return false; // disposed or failed: no evidence of life
                }
            }
        }

        // The awaits below keep no ConfigureAwait(false): a link loop's continuation returns to its scheduler.
        public Task<int> ReceiveAsync(byte[] buffer, int offset, int count)
            => _socket.ReceiveAsync(new ArraySegment<byte>(buffer, offset, count), SocketFlags.None);

        public async Task SendAsync(byte[] buffer, int offset, int count)
        {
            int sent = 0;
            while (sent < count)
            {
                int n = await _socket.SendAsync(new ArraySegment<byte>(buffer, offset + sent, count - sent), SocketFlags.None);
                if (n <= 0) throw new SocketException((int)SocketError.ConnectionReset);
                sent += n;
            }
        }

        public void ShutdownSend()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                // the socket may already be gone
            }
        }

        public void Abort()
        {
            try
            {
                _socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception)
            {
                // the socket may already be gone
            }
            Dispose();
        }

        /// <summary>Disposing the socket is how a pending receive is cancelled on netstandard2.0.</summary>
        public void Dispose()
        {
            try
            {
                _socket.Dispose();
            }
            catch (Exception)
            {
                // already gone
            }
        }
    }
}
