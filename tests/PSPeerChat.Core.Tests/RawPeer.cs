using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Protocol;
using Xunit.Sdk;

namespace PSPeerChat.Core.Tests
{
    /// <summary>A hand-driven TCP client: sends exact bytes, reads frames or lines with a deadline.</summary>
    internal sealed class RawPeer : IDisposable
    {
        private readonly TcpClient _client;
        private readonly NetworkStream _stream;
        private byte[] _buffer = new byte[128 * 1024];
        private int _start;
        private int _end;

        private RawPeer(TcpClient client)
        {
            _client = client;
            _client.NoDelay = true;
            _stream = client.GetStream();
        }

        public static async Task<RawPeer> ConnectAsync(int port)
        {
            var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(IPAddress.Loopback, port);
            return new RawPeer(client);
        }

        /// <summary>This end of the socket as the node sees it, host:port.</summary>
        public string LocalAddress
        {
            get
            {
                var ep = (IPEndPoint)_client.Client.LocalEndPoint;
                return ep.Address + ":" + ep.Port;
            }
        }

        public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes, 0, bytes.Length);

        public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

        /// <summary>Reads one length-prefixed frame: its body (type byte first), or null when the node closed the socket.</summary>
        public async Task<byte[]> ReadFrameAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                int unread = _end - _start;
                if (unread >= ProtocolLimits.LengthPrefix)
                {
                    int length = (int)BigEndian.ReadUInt32(_buffer, _start);
                    if (unread >= ProtocolLimits.LengthPrefix + length)
                    {
                        byte[] body = new byte[length];
                        Buffer.BlockCopy(_buffer, _start + ProtocolLimits.LengthPrefix, body, 0, length);
                        _start += ProtocolLimits.LengthPrefix + length;
                        return body;
                    }
                }
                if (!await FillAsync(cts.Token, "a frame")) return null;
            }
        }

        /// <summary>Reads one line (without its newline), or null when the node closed the socket.</summary>
        public async Task<string> ReadLineAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    string line = Encoding.UTF8.GetString(_buffer, _start, newline - _start);
                    _start = newline + 1;
                    return line;
                }
                if (!await FillAsync(cts.Token, "a line")) return null;
            }
        }

        /// <summary>True once the node has closed the socket (end of stream or reset); anything still arriving is skipped.</summary>
        public async Task<bool> ReadsEndOfStreamAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (await FillAsync(cts.Token, "the end of the stream"))
            {
                _start = _end;
            }
            return true;
        }

        private async Task<bool> FillAsync(CancellationToken cancel, string what)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancel);
            }
            catch (OperationCanceledException)
            {
                throw new XunitException("The raw client received no " + what + " in time (" + (_end - _start) + " unread bytes).");
            }
            catch (IOException)
            {
                return false; // reset by the node
            }
            if (n == 0) return false;
            _end += n;
            return true;
        }

        public void Dispose() => _client.Dispose();
    }
}
