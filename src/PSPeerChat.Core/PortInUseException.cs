using System;
using System.IO;

namespace PSPeerChat
{
    /// <summary>The port asked for is taken by another program or node.</summary>
    public sealed class PortInUseException : IOException
    {
        public PortInUseException(int port, string message, Exception inner = null)
            : base(message, inner)
        {
            Port = port;
        }

        public int Port { get; }
    }
}
