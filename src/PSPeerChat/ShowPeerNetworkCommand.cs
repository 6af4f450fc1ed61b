using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using PSPeerChat.Map;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Show-PeerNetwork: draws the network map. Html is one self-contained page (an SVG in rings by hop distance from
    /// the asking node, links coloured by latency, nodes that did not answer in grey, nothing fetched to view it); Dot
    /// and Mermaid are text for people who keep diagrams as text. Maps what Get-PeerNetwork piped in, or crawls itself.
    /// </summary>
    [Cmdlet(VerbsCommon.Show, "PeerNetwork", DefaultParameterSetName = Crawl)]
    [OutputType(typeof(string), typeof(FileInfo))]
    public sealed class ShowPeerNetworkCommand : PeerCmdlet
    {
        private const string Crawl = "Crawl";
        private const string Piped = "InputObject";
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly List<PeerNetworkNode> _nodes = new List<PeerNetworkNode>();
        private readonly List<PeerNetworkLink> _links = new List<PeerNetworkLink>();

        /// <summary>The node to map from (crawls with it).</summary>
        [Parameter(ParameterSetName = Crawl, Position = 0)]
        [PeerNodeTransformation]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public PeerNode Node { get; set; }

        /// <summary>Seconds the crawl waits for answers at most.</summary>
        [Parameter(ParameterSetName = Crawl)]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 10;

        /// <summary>Nodes and links from Get-PeerNetwork.</summary>
        [Parameter(ParameterSetName = Piped, Mandatory = true, ValueFromPipeline = true)]
        public PSObject InputObject { get; set; }

        /// <summary>The file to write; without it the map is written to the pipeline as text (or, with -Open, to a temporary file).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public PeerNetworkFormat Format { get; set; } = PeerNetworkFormat.Html;

        /// <summary>Opens the written file with the application the system uses for it (a browser for Html).</summary>
        [Parameter]
        public SwitchParameter Open { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != Piped) return;
            switch (InputObject?.BaseObject)
            {
                case PeerNetworkNode n: _nodes.Add(n); break;
                case PeerNetworkLink l: _links.Add(l); break;
                default:
                    WriteError(Error(new PSArgumentException("Show-PeerNetwork draws the nodes and links Get-PeerNetwork writes; this is a " + (InputObject?.BaseObject?.GetType().Name ?? "null") + ". Pipe Get-PeerNetwork into it, or call it without input to crawl."),
                        "NotANetworkObject", ErrorCategory.InvalidType, InputObject));
                    break;
            }
        }

        protected override void EndProcessing()
        {
            NetworkMap map;
            if (ParameterSetName == Piped)
            {
                if (_nodes.Count == 0 && _links.Count == 0) return; // errors written already
                map = NetworkMap.Build(_nodes, _links);
            }
            else
            {
                PeerNode node = ResolveNode(Node);
                map = NetworkCrawl.Run(this, node, TimeoutSec, _stop.Token);
            }
            string text = Format == PeerNetworkFormat.Dot ? TextMap.Dot(map) : Format == PeerNetworkFormat.Mermaid ? TextMap.Mermaid(map) : HtmlMap.Write(map, DateTimeOffset.Now);
            string path = Path;
            if (path == null && !Open)
            {
                WriteObject(text);
                return;
            }
            if (path == null) path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pspeerchat-network-" + DateTime.Now.ToString("yyyyMMdd-HHmmss") + Extension());
            string full = GetUnresolvedProviderPathFromPSPath(path);
            try
            {
                File.WriteAllText(full, text, new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                ThrowTerminatingError(Error(new IOException("Cannot write the map to " + full + ": " + ex.Message + " Give a -Path in a folder you can write to.", ex), "MapNotWritten", ErrorCategory.WriteError, full));
            }
            WriteObject(new FileInfo(full));
            if (Open) OpenFile(full);
        }

        protected override void StopProcessing() => _stop.Cancel();

        private string Extension() => Format == PeerNetworkFormat.Dot ? ".dot" : Format == PeerNetworkFormat.Mermaid ? ".mmd" : ".html";

        private void OpenFile(string full)
        {
            try
            {
                ProcessStartInfo start = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? new ProcessStartInfo(full) { UseShellExecute = true }
                    : new ProcessStartInfo(RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "open" : "xdg-open", "\"" + full + "\"") { UseShellExecute = false };
                using (Process.Start(start)) { }
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
            {
                WriteError(Error(new InvalidOperationException("The map was written to " + full + " but could not be opened: " + ex.Message + " Open the file yourself.", ex), "MapNotOpened", ErrorCategory.ResourceUnavailable, full));
            }
        }
    }
}
