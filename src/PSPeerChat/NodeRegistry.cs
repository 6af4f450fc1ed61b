using System;
using System.Collections.Generic;
using System.Linq;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// The session's nodes. The first running node is the default every cmdlet falls back to.
    /// Process-wide, so runspaces of one session (ThreadJob, ForEach-Object -Parallel) see the same nodes.
    /// </summary>
    internal static class NodeRegistry
    {
        private static readonly object Gate = new object();
        private static readonly List<PeerNode> Nodes = new List<PeerNode>();

        public static PeerNode Default
        {
            get
            {
                lock (Gate) return Nodes.FirstOrDefault(n => n.State == PeerNodeState.Running);
            }
        }

        public static PeerNode[] All
        {
            get
            {
                lock (Gate)
                {
                    Nodes.RemoveAll(n => n.State == PeerNodeState.Stopped);
                    return Nodes.ToArray();
                }
            }
        }

        public static PeerNode Find(string name)
        {
            lock (Gate) return Nodes.FirstOrDefault(n => n.State == PeerNodeState.Running && string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Adds a started node; false (and the node is left to the caller) when its name is taken meanwhile.</summary>
        public static bool TryAdd(PeerNode node)
        {
            lock (Gate)
            {
                if (Nodes.Any(n => n.State == PeerNodeState.Running && string.Equals(n.Name, node.Name, StringComparison.OrdinalIgnoreCase))) return false;
                Nodes.Add(node);
                return true;
            }
        }

        public static void Remove(PeerNode node)
        {
            lock (Gate) Nodes.Remove(node);
        }

        /// <summary>Stops every node (Remove-Module, end of the session).</summary>
        public static void StopAll()
        {
            PeerNode[] nodes;
            lock (Gate)
            {
                nodes = Nodes.ToArray();
                Nodes.Clear();
            }
            foreach (PeerNode node in nodes)
            {
                try
                {
                    node.Stop();
                }
                catch (Exception)
                {
                    // best effort on the way out
                }
            }
        }
    }
}
