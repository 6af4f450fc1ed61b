using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSPeerChat.Core.Tests
{
    /// <summary>
    /// A man in the middle on loopback: it accepts one connection, dials the target and relays bytes both ways, keeping
    /// a copy of everything that passed. Armed, it flips one byte of one direction at a chosen offset of that
    /// direction's stream, as an attacker on the path would.
    /// </summary>
    internal sealed class TcpRelay : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly int _target;
        private readonly MemoryStream[] _seen = { new MemoryStream(), new MemoryStream() };
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private long _flipAt = -1;
        private int _flipDirection;
        private TcpClient _inbound;
        private TcpClient _outbound;

        /// <summary>Bytes from the dialler to the target.</summary>
        public const int Forward = 0;

        /// <summary>Bytes from the target back to the dialler.</summary>
        public const int Backward = 1;

        public TcpRelay(int targetPort)
        {
            _target = targetPort;
            _listener.Start();
            _ = RunAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string Address => "127.0.0.1:" + Port;

        /// <summary>Flips (XOR 0x01) the byte at <paramref name="offset"/> of <paramref name="direction"/>'s stream, once.</summary>
        public void FlipAt(int direction, long offset)
        {
            lock (_seen)
            {
                _flipDirection = direction;
                _flipAt = offset;
            }
        }

        /// <summary>Bytes relayed so far in <paramref name="direction"/>.</summary>
        public long Relayed(int direction)
        {
            lock (_seen) return _seen[direction].Length;
        }

        /// <summary>Everything relayed so far in <paramref name="direction"/>, as it went over the wire.</summary>
        public byte[] Captured(int direction)
        {
            lock (_seen) return _seen[direction].ToArray();
        }

        private async Task RunAsync()
        {
            try
            {
                _inbound = await _listener.AcceptTcpClientAsync();
                _outbound = new TcpClient(AddressFamily.InterNetwork);
                await _outbound.ConnectAsync(IPAddress.Loopback, _target);
                _inbound.NoDelay = _outbound.NoDelay = true;
                await Task.WhenAll(PumpAsync(_inbound.GetStream(), _outbound, Forward), PumpAsync(_outbound.GetStream(), _inbound, Backward));
            }
            catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException || ex is InvalidOperationException)
            {
                // torn down
            }
        }

        private async Task PumpAsync(NetworkStream from, TcpClient to, int direction)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int n = await from.ReadAsync(buffer, 0, buffer.Length, _stop.Token);
                    if (n == 0) break;
                    lock (_seen)
                    {
                        long start = _seen[direction].Length;
                        if (_flipDirection == direction && _flipAt >= start && _flipAt < start + n)
                        {
                            buffer[_flipAt - start] ^= 0x01;
                            _flipAt = -1;
                        }
                        _seen[direction].Write(buffer, 0, n);
                    }
                    await to.GetStream().WriteAsync(buffer, 0, n, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException || ex is OperationCanceledException || ex is InvalidOperationException)
            {
                // one side went away
            }
            finally
            {
                // Pass the end on, as a relay would.
                try { to.Client.Shutdown(SocketShutdown.Send); } catch (Exception) { }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _inbound?.Dispose();
            _outbound?.Dispose();
        }
    }
}
