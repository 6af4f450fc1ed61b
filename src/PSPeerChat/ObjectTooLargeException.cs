using System;

namespace PSPeerChat.Commands
{
    /// <summary>An object Send-PeerMessage cannot send in one message: over the size or value limits of protocol.md §3.13.</summary>
    internal sealed class ObjectTooLargeException : ArgumentException
    {
        public ObjectTooLargeException(string message) : base(message)
        {
        }
    }
}
