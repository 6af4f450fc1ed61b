using System;
using System.Collections.Generic;
using System.Globalization;

namespace PSPeerChat.Bench
{
    /// <summary>The --idle scenario: the managed heap an idle node costs.</summary>
    internal static class IdleNodeRun
    {
        /// <summary>
        /// The managed heap an idle node costs: one node started first (type initialisation, shared caches), then ten more
        /// with no links, measured after a full collection and divided by ten.
        /// </summary>
        public static void Execute()
        {
            var first = PeerNode.Start(new PeerNodeOptions { Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0 });
            System.Threading.Thread.Sleep(1500); // let its maintenance loop tick once, so its lazy state exists
            long before = GC.GetTotalMemory(true);
            var nodes = new List<PeerNode>();
            for (int i = 0; i < 10; i++) nodes.Add(PeerNode.Start(new PeerNodeOptions { Port = 0, ListenAddress = "127.0.0.1", TargetPeers = 0 }));
            System.Threading.Thread.Sleep(1500);
            long after = GC.GetTotalMemory(true);
            double perNode = (after - before) / 10.0;
            Console.WriteLine("{\"system\":\"PSPeerChat\",\"level\":\"engine\",\"run\":\"idle\",\"figure\":\"idleNode\",\"idleNodeHeapBytes\":" + Math.Round(perNode) + "}");
            Console.WriteLine("idle node: " + (perNode / 1024).ToString("N1", CultureInfo.InvariantCulture) + " KiB of managed heap per node (10 idle nodes, after a full GC)");
            foreach (PeerNode node in nodes) node.Stop();
            first.Stop();
        }
    }
}
