using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Identity;
using PSPeerChat.Inbox;
using PSPeerChat.Protocol;
using PSPeerChat.Transport;

namespace PSPeerChat
{
    /// <summary>
    /// A node of the chat network: listens, dials, floods broadcasts, keeps an inbox. Every node runs the same code;
    /// several may live in one process. This file: start, stop and the node's face; links, flooding and events are
    /// in the other PeerNode.*.cs files.
    /// </summary>
    public sealed partial class PeerNode : IDisposable
    {
        private static readonly TimeSpan StopFlushWait = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan StopLoopWait = TimeSpan.FromSeconds(2);

        private readonly object _gate = new object();
        private readonly Socket _listener;
        private readonly SeenCache _seen;
        private readonly FloodRouter _router;
        private readonly MessageInbox _inbox;
        private Task _acceptLoop = Task.CompletedTask;
        private int _state = (int)PeerNodeState.Running;

        private PeerNode(PeerNodeOptions options, NodeIdentity identity, Socket listener, string endpoint)
        {
            Identity = identity;
            Options = options;
            _listener = listener;
            Endpoint = endpoint;
            Port = ((IPEndPoint)listener.LocalEndPoint).Port;
            NodeId = identity.NodeId;
            Name = string.IsNullOrEmpty(options.Name) ? DefaultName(Port) : options.Name;
            StartedAt = DateTimeOffset.Now;
            _seen = new SeenCache(options.SeenCacheCapacity, options.SeenCacheLifetime);
            _router = new FloodRouter(_seen, NodeId);
            _inbox = new MessageInbox(options.InboxCapacity);
            _directory = new PeerDirectory(options.DirectoryCapacity);
        }

        /// <summary>The node id: 32 hex digits, unique per node.</summary>
        public string Id => NodeId.ToString();

        /// <summary>The first 8 hex digits of the id, for display beside the name.</summary>
        public string ShortId => Id.Substring(0, 8);

        public string Name { get; }

        /// <summary>The TCP port the node listens on.</summary>
        public int Port { get; }

        /// <summary>Where the node listens, for example [::]:55555; Connect-Peer accepts it as an address.</summary>
        public string Endpoint { get; }

        public PeerNodeState State => (PeerNodeState)Volatile.Read(ref _state);

        public DateTimeOffset StartedAt { get; }

        internal Id128 NodeId { get; }

        internal NodeIdentity Identity { get; }

        internal SignatureVerifier Verifier { get; } = new SignatureVerifier();

        internal PeerNodeOptions Options { get; }

        /// <summary>
        /// Starts a node: binds the listening socket (walking forward from the port when asked, like the article)
        /// and accepts links in the background.
        /// </summary>
        /// <exception cref="PortInUseException">No port could be had.</exception>
        /// <exception cref="ArgumentException">The options are invalid (name too long, bad listen address).</exception>
        public static PeerNode Start(PeerNodeOptions options = null)
        {
            options = (options ?? new PeerNodeOptions()).Clone();
            Validate(options);
            NodeIdentity identity = options.Identity
                ?? (string.IsNullOrEmpty(options.IdentityPath) ? NodeIdentity.Create() : IdentityFile.LoadOrCreate(options.IdentityPath, out _));
            Socket listener = Bind(options, out string endpoint);
            var node = new PeerNode(options, identity, listener, endpoint);
            node._acceptLoop = node.AcceptLoopAsync();
            node.StartJoining();
            return node;
        }

        /// <summary>
        /// Stops the node: every neighbour gets a CLOSE (shutdown), queued frames are flushed for up to a second,
        /// then every socket is closed and every loop has ended when this returns.
        /// </summary>
        public void Stop()
        {
            if (!BeginStopping(out PeerConnection[] links)) return;
            foreach (PeerConnection link in links) link.Close(CloseReason.Shutdown, Name + " is stopping");
            Task.WhenAll(links.Select(l => l.WriterCompletion)).Wait(StopFlushWait);
            foreach (PeerConnection link in links) link.DisposeSocket();
            WaitForLoops(links);
        }

        /// <summary>Moves a running node to Stopping (once), ends joining and accepting; returns every open link.</summary>
        private bool BeginStopping(out PeerConnection[] links)
        {
            lock (_gate)
            {
                links = _connections.ToArray();
                if (State != PeerNodeState.Running) return false;
                Volatile.Write(ref _state, (int)PeerNodeState.Stopping);
            }
            _lifetime.Cancel();
            DisposeListener();
            return true;
        }

        private void DisposeListener()
        {
            try
            {
                _listener.Dispose();
            }
            catch (Exception)
            {
                // closing a listener that failed is not an error
            }
        }

        /// <summary>Waits (bounded) for every loop of the node to end, then marks it stopped.</summary>
        private void WaitForLoops(PeerConnection[] links)
        {
            var loops = links.Select(l => l.Completion).Concat(new[] { _acceptLoop, _maintenance }).ToArray();
            try
            {
                Task.WaitAll(loops, StopLoopWait);
            }
            catch (AggregateException)
            {
                // loops end by failing once their socket is gone; their errors were handled in the loops
            }
            Volatile.Write(ref _state, (int)PeerNodeState.Stopped);
            _inbox.Complete();
            CompleteEvents();
        }

        public void Dispose() => Stop();

        public override string ToString() => Name + " (" + ShortId + ") " + Endpoint;

        private static void Validate(PeerNodeOptions options)
        {
            if (options.Name != null)
            {
                if (options.Name.Trim().Length == 0) throw new ArgumentException("The node name is empty.", nameof(options.Name));
                if (Utf8.Strict.GetByteCount(options.Name) > ProtocolLimits.MaxNameBytes)
                    throw new ArgumentException("The node name '" + options.Name + "' is longer than " + ProtocolLimits.MaxNameBytes + " UTF-8 bytes.", nameof(options.Name));
                if (options.Name.Any(char.IsControl)) throw new ArgumentException("The node name contains control characters.", nameof(options.Name));
            }
            if (options.Port < 0 || options.Port > 65535) throw new ArgumentOutOfRangeException(nameof(options.Port), options.Port, "The port must be between 0 and 65535.");
            if (options.InboxCapacity < 1) throw new ArgumentOutOfRangeException(nameof(options.InboxCapacity), "The inbox capacity must be at least 1.");
            if (options.SendQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(options.SendQueueCapacity), "The send queue capacity must be at least 1.");
            if (options.SendQueueBytes < 1) throw new ArgumentOutOfRangeException(nameof(options.SendQueueBytes), "The send queue byte limit must be at least 1.");
            if (options.HopLimit < 1) throw new ArgumentOutOfRangeException(nameof(options.HopLimit), "The hop limit must be at least 1.");
            if (options.MaxPeers < 1) throw new ArgumentOutOfRangeException(nameof(options.MaxPeers), "MaxPeers must be at least 1.");
            if (options.AcceptanceWindow <= TimeSpan.Zero || options.MaxClockSkew < TimeSpan.Zero || options.AcceptanceWindow + options.MaxClockSkew > options.SeenCacheLifetime)
                throw new ArgumentOutOfRangeException(nameof(options.AcceptanceWindow), "AcceptanceWindow + MaxClockSkew must fit in SeenCacheLifetime, or a replay could outlive the memory of the first copy.");
            if (options.IdleTimeout <= options.KeepaliveInterval) throw new ArgumentOutOfRangeException(nameof(options.IdleTimeout), "IdleTimeout must be longer than KeepaliveInterval, or quiet healthy links are dropped.");
            if (options.AddressBookCapacity < 1) throw new ArgumentOutOfRangeException(nameof(options.AddressBookCapacity), "The address book needs room for at least one address.");
            if (options.TargetPeers < 0 || options.TargetPeers > options.MaxPeers) throw new ArgumentOutOfRangeException(nameof(options.TargetPeers), "TargetPeers must be between 0 and MaxPeers (" + options.MaxPeers + ").");
            foreach (string address in options.Bootstrap ?? new string[0])
            {
                if (!PeerAddress.TryParse(address, out _, out string error)) throw new ArgumentException("Bootstrap address: " + error, nameof(options.Bootstrap));
            }
        }

        private static string DefaultName(int port)
        {
            string user = Environment.UserName;
            if (string.IsNullOrEmpty(user) || user.Any(char.IsControl)) user = "node";
            if (user.Length > 40) user = user.Substring(0, 40);
            return user + "-" + port;
        }

        /// <summary>Binds and listens: dual-stack on :: by default (IPv4 only where the OS has no IPv6).</summary>
        private static Socket Bind(PeerNodeOptions options, out string endpoint)
        {
            IPAddress address;
            bool dualMode = false;
            string listen = options.ListenAddress?.Trim();
            if (string.IsNullOrEmpty(listen) || listen == "::" || listen == "[::]")
            {
                address = Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
                dualMode = Socket.OSSupportsIPv6;
            }
            else if (!IPAddress.TryParse(listen.Trim('[', ']'), out address))
            {
                throw new ArgumentException("'" + listen + "' is not an IP address to listen on. Use an address of this machine, for example 127.0.0.1 or ::1, or :: for all.", nameof(options.ListenAddress));
            }

            int first = options.Port;
            int last = options.Port == 0 || !options.FallForward ? options.Port : Math.Min(65535, options.Port + PeerNodeOptions.PortFallForwardRange - 1);
            SocketException lastError = null;
            for (int port = first; port <= last; port++)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    if (dualMode) socket.DualMode = true;
                    socket.Bind(new IPEndPoint(address, port));
                    socket.Listen(128);
                    int bound = ((IPEndPoint)socket.LocalEndPoint).Port;
                    endpoint = PeerConnection.FormatEndPoint(new IPEndPoint(address, bound));
                    return socket;
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse || ex.SocketErrorCode == SocketError.AccessDenied)
                {
                    socket.Dispose();
                    lastError = ex;
                }
                catch (SocketException ex) when (dualMode && ex.SocketErrorCode == SocketError.AddressFamilyNotSupported)
                {
                    // IPv6 is compiled in but switched off: listen on IPv4 only.
                    socket.Dispose();
                    options.ListenAddress = "0.0.0.0";
                    return Bind(options, out endpoint);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            string message = first == last
                ? "Port " + first + " is already in use. Choose another with -Port, or -Port 0 for any free port."
                : "Ports " + first + " to " + last + " are all in use. Choose one with -Port, or -Port 0 for any free port.";
            throw new PortInUseException(first, message, lastError);
        }

        private async Task AcceptLoopAsync()
        {
            while (State == PeerNodeState.Running)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    if (State != PeerNodeState.Running) return;
                    await Task.Delay(50).ConfigureAwait(false); // e.g. out of file descriptors: do not spin
                    continue;
                }
                catch (InvalidOperationException)
                {
                    return;
                }
                AdoptInbound(socket);
            }
        }
    }
}
