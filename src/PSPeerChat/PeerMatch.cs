using System;
using System.Linq;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Finding peers by -Id: an exact id first (a text peer's id is an address such as [::1]:5000, full of wildcard characters), else a wildcard pattern.</summary>
    internal static class PeerMatch
    {
        public static Peer[] ById(Peer[] peers, string id)
        {
            Peer[] exact = peers.Where(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (exact.Length > 0) return exact;
            var pattern = new WildcardPattern(id, WildcardOptions.IgnoreCase);
            return peers.Where(p => pattern.IsMatch(p.Id)).ToArray();
        }
    }
}
