using System.Collections.Generic;
using System.Management.Automation;
using PSPeerChat.Content;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// The engine's neutral content tree to what PeerMessage.Data shows in PowerShell (protocol.md §3.13): each JSON
    /// object a PSCustomObject of note properties in the order received, arrays object[], strings, numbers (long,
    /// decimal, double), booleans and null as themselves. Only property bags: no type named by a peer is ever created.
    /// Installed as PeerMessage.DataConverter when the module is imported (<see cref="ModuleLifetime"/>).
    /// </summary>
    internal static class ContentToPSObject
    {
        public static object Convert(object tree)
        {
            switch (tree)
            {
                case JsonObject bag:
                    var result = new PSObject(); // a PSCustomObject
                    foreach (KeyValuePair<string, object> p in bag.Properties) result.Properties.Add(new PSNoteProperty(p.Key, Convert(p.Value)));
                    return result;
                case object[] items:
                    var converted = new object[items.Length];
                    for (int i = 0; i < items.Length; i++) converted[i] = Convert(items[i]);
                    return converted;
                default:
                    return tree;
            }
        }
    }
}
