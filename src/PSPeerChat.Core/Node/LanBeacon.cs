using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Identity;
using PSPeerChat.Joining;
using PSPeerChat.Protocol;
using PSPeerChat.Settings;
using PSPeerChat.Timing;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// LAN discovery (protocol.md §10), one per node with PeerNodeOptions.LanDiscovery: announces the node on the local
    /// network (at start, then every 30 s, every 5 s while it has fewer links than TargetPeers) and puts what it hears,
    /// within the bounds of <see cref="LanCandidates"/>, into the address book as source "Lan", from where maintenance
    /// dials it like any other address. One receive loop per channel (IPv4, IPv6) and one announce loop; no lock is held
    /// across a send or a receive.
    /// </summary>
    internal sealed class LanBeacon
    {
        private readonly PeerNode _node;
        private readonly LinkTable _links;
        private readonly AddressBook _book;
        private readonly LanCandidates _candidates;
        private readonly TimeProvider _clock;
        private readonly CancellationTokenSource _lifetime = new CancellationTokenSource();
        private readonly Random _random = new Random();
        private IReadOnlyList<ILanChannel> _channels = new ILanChannel[0];
        private Task _loops = Task.CompletedTask;

        public LanBeacon(PeerNode node, LinkTable links, AddressBook book, TimeProvider clock)
        {
            _node = node;
            _links = links;
            _book = book;
            _clock = clock;
            _candidates = new LanCandidates(node.NodeId, node.Stats, clock);
        }

        /// <summary>Channels open (0 when no UDP socket could be had: the node runs without discovery).</summary>
        public int ChannelCount => _channels.Count;

        /// <summary>Ends when every loop has stopped.</summary>
        public Task Completion => _loops;

        public void Start(IReadOnlyList<ILanChannel> channels)
        {
            _channels = channels;
            if (channels.Count == 0) return;
            var loops = channels.Select(ReceiveLoopAsync).ToList();
            loops.Add(AnnounceLoopAsync());
            _loops = Task.WhenAll(loops);
        }

        /// <summary>Ends the loops: the channels are closed, which fails their pending receives.</summary>
        public void Stop()
        {
            _lifetime.Cancel();
            foreach (ILanChannel channel in _channels) channel.Dispose();
        }

        private async Task AnnounceLoopAsync()
        {
            CancellationToken stop = _lifetime.Token;
            byte[] datagram = LanAnnouncement.Encode(_node.NodeId, (ushort)_node.Port);
            long last = long.MinValue / 2;
            long wait = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    long now = _clock.NowMs();
                    bool shortOfLinks = _node.Options.TargetPeers > 0 && _links.ProtocolLinkCount < _node.Options.TargetPeers;
                    long interval = shortOfLinks ? Math.Min(wait, Tunables.LanShortAnnounceIntervalMs) : wait;
                    if (now - last >= interval)
                    {
                        foreach (ILanChannel channel in _channels) channel.Send(datagram);
                        last = now;
                        wait = Tunables.LanAnnounceIntervalMs * (80 + _random.Next(41)) / 100; // ±20 %: nodes started together drift apart
                    }
                    await _clock.Delay(Tunables.MaintenanceTick, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // the node stopped
            }
        }

        private async Task ReceiveLoopAsync(ILanChannel channel)
        {
            var buffer = new byte[LanAnnouncement.Size + 1]; // one byte more: a longer datagram shows as too long
            while (!_lifetime.IsCancellationRequested)
            {
                LanDatagram datagram;
                try
                {
                    datagram = await channel.ReceiveAsync(buffer).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    if (_lifetime.IsCancellationRequested) return;
                    await Task.Delay(100).ConfigureAwait(false); // e.g. an ICMP error reported on the socket: do not spin on it
                    continue;
                }
                string address = _candidates.Hear(buffer, datagram.Length, datagram.From, out Id128 nodeId);
                if (address == null || _node.State != PeerNodeState.Running) continue;
                if (_book.Learn(address, nodeId, "Lan", neighbourOfNeighbour: false, from: datagram.From.Address)) _node.Stats.LanAnnouncementHeard();
                else _node.Stats.LanAnnouncementDropped(); // its place in the book holds a working address
            }
        }
    }
}
