using System;
using System.IO;

namespace PSPeerChat
{
    /// <summary>A link could not be made: refused, timed out, unreachable, or the handshake failed.</summary>
    public sealed class PeerConnectException : IOException
    {
        public PeerConnectException(string address, string message, bool timedOut = false, Exception inner = null)
            : base(message, inner)
        {
            Address = address;
            TimedOut = timedOut;
        }

        /// <summary>The address that was dialled, as given.</summary>
        public string Address { get; }

        public bool TimedOut { get; }
    }
}
