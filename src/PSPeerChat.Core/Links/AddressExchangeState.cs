using System.Collections.Generic;
using System.Threading;
using PSPeerChat.Protocol;

namespace PSPeerChat.Links
{
    /// <summary>
    /// A link's part in the address exchange (protocol.md §4.2): when we last asked, when we last answered, and whether
    /// an ADDR from it is expected. Only an expected ADDR is learned: unasked lists could fill the book with an
    /// attacker's addresses.
    /// </summary>
    internal sealed class AddressExchangeState
    {
        private long _lastRequestMs = long.MinValue / 2;
        private long _lastReplyMs = long.MinValue / 2;
        private int _expecting;
        private int _shedByUs;
        private List<AddressRecord> _unasked;

        /// <param name="expecting">A dialler expects addresses from the start: a full acceptor answers its dial with some.</param>
        public AddressExchangeState(bool expecting)
        {
            _expecting = expecting ? 1 : 0;
        }

        /// <summary>Records a GETADDR of ours at <paramref name="now"/> unless the last was under <paramref name="intervalMs"/> ago.</summary>
        public bool TryAsk(long now, long intervalMs)
        {
            long last = Interlocked.Read(ref _lastRequestMs);
            if (now - last < intervalMs) return false;
            if (Interlocked.CompareExchange(ref _lastRequestMs, now, last) != last) return false;
            Interlocked.Exchange(ref _expecting, 1);
            return true;
        }

        /// <summary>Records an answer to the neighbour's GETADDR unless the last was under <paramref name="intervalMs"/> ago.</summary>
        public bool TryAnswer(long now, long intervalMs)
        {
            long last = Interlocked.Read(ref _lastReplyMs);
            if (now - last < intervalMs) return false;
            return Interlocked.CompareExchange(ref _lastReplyMs, now, last) == last;
        }

        /// <summary>True once per expected ADDR: the one that arrives is learned, further ones are not.</summary>
        public bool TakeExpected() => Interlocked.Exchange(ref _expecting, 0) == 1;

        /// <summary>The link registered: a full node's alternatives are no longer expected.</summary>
        public void StopExpecting() => Interlocked.Exchange(ref _expecting, 0);

        /// <summary>
        /// An ADDR nobody asked for is kept aside, the last one only (one frame, at most AddressFrame's 32 records): it is
        /// learned only if the neighbour's CLOSE Shed follows, as the addresses it gave before it let the link go (§4.2).
        /// </summary>
        public void KeepUnasked(List<AddressRecord> records) => Interlocked.Exchange(ref _unasked, records);

        /// <summary>The ADDR kept aside, once; null if none.</summary>
        public List<AddressRecord> TakeUnasked() => Interlocked.Exchange(ref _unasked, null);

        /// <summary>This node shed the link (so a Shed close is ours, not the neighbour's).</summary>
        public void MarkShedByUs() => Interlocked.Exchange(ref _shedByUs, 1);

        public bool ShedByUs => Volatile.Read(ref _shedByUs) != 0;
    }
}
