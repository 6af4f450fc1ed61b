using System;
using System.Collections.Generic;

namespace PSPeerChat.Links
{
    /// <summary>
    /// The HELLO bodies of this node's dials still in their handshake. Each holds a fresh 32-byte nonce, so one that
    /// arrives on an inbound link of the same node proves the dial looped back; a HELLO under our id that is not here
    /// was made by someone else (protocol.md §3.1). At most one entry per dial in flight.
    /// </summary>
    internal sealed class OwnHellos
    {
        private readonly object _gate = new object();
        private readonly HashSet<string> _bodies = new HashSet<string>(StringComparer.Ordinal);

        public void Add(byte[] body)
        {
            lock (_gate) _bodies.Add(Convert.ToBase64String(body));
        }

        public void Remove(byte[] body)
        {
            lock (_gate) _bodies.Remove(Convert.ToBase64String(body));
        }

        public bool Contains(byte[] body)
        {
            lock (_gate) return _bodies.Contains(Convert.ToBase64String(body));
        }
    }
}
