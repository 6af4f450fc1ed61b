using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Links;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Identity;

namespace PSPeerChat.Joining
{
    /// <summary>
    /// Automatic dialling (protocol.md §4.2): towards TargetPeers from the address book, a few dials at a time, each
    /// outcome fed back to the book (which backs failing addresses off).
    /// </summary>
    internal sealed class Dialler
    {
        private readonly AddressBook _book;
        private readonly Func<string, CancellationToken, Task<Link>> _dial;
        private readonly CancellationToken _stop;
        private readonly Action _refused;
        private int _inFlight;

        /// <param name="dial">Dials an address and completes with the link once its handshake is done.</param>
        /// <param name="refused">
        /// Called when a book dial was refused as Full: the refusal's ADDR gave addresses to try, dialled at once rather
        /// than at the next tick (§4.2).
        /// </param>
        public Dialler(AddressBook book, Func<string, CancellationToken, Task<Link>> dial, CancellationToken stop, Action refused = null)
        {
            _book = book;
            _dial = dial;
            _stop = stop;
            _refused = refused;
        }

        public int InFlight => Volatile.Read(ref _inFlight);

        /// <summary>
        /// Dials book addresses for <paramref name="missing"/> links (with <paramref name="spare"/>, one more, as some
        /// addresses are dead and a link too many costs less than a slow repair), within the dials-in-flight bound;
        /// returns how many candidates there were.
        /// </summary>
        public int DialTowards(int missing, Id128 self, Func<Id128, bool> isLinked, Func<string, bool> isLinkedAddress, bool spare = true)
        {
            int room = Math.Min(missing > 0 ? missing + (spare ? 1 : 0) : 0, Tunables.MaxDialsInFlight - InFlight);
            List<string> candidates = room > 0 ? _book.PickCandidates(room, isLinked, isLinkedAddress, self) : new List<string>();
            foreach (string address in candidates) Dial(address, fromBook: true);
            return candidates.Count;
        }

        /// <summary>Dials in the background; a book address's outcome goes back to the book.</summary>
        public void Dial(string address, bool fromBook)
        {
            Interlocked.Increment(ref _inFlight);
            _dial(address, _stop).ContinueWith(t =>
            {
                Interlocked.Decrement(ref _inFlight);
                if (!fromBook) return;
                if (t.Status == TaskStatus.RanToCompletion)
                {
                    _book.DialSucceeded(address, t.Result.RemoteId);
                }
                else
                {
                    Exception error = t.Exception?.GetBaseException();
                    CloseReason reason = (error as PeerConnectException)?.Reason ?? CloseReason.ConnectionLost;
                    _book.DialFailed(address, reason);
                    if (reason == CloseReason.Full) _refused?.Invoke();
                }
            }, TaskScheduler.Default);
        }
    }
}
