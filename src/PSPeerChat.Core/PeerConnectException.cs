using System;
using System.IO;

namespace PSPeerChat
{
    /// <summary>A link could not be made: refused, timed out, unreachable, or the handshake failed.</summary>
    public sealed class PeerConnectException : IOException
    {
        public PeerConnectException(string address, string message, bool timedOut = false, Exception inner = null, CloseReason reason = CloseReason.None)
            : base(message, inner)
        {
            Address = address;
            TimedOut = timedOut;
            Reason = reason;
        }

        /// <summary>The CLOSE reason when the link was refused after connecting (Full, Self, Duplicate...), else None.</summary>
        public CloseReason Reason { get; }

        /// <summary>The address that was dialled, as given.</summary>
        public string Address { get; }

        public bool TimedOut { get; }
    }
}
