using System.IO;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>New-PeerIdentity: creates an identity file (signing and encryption keys) without starting a node.</summary>
    [Cmdlet(VerbsCommon.New, "PeerIdentity", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(PeerIdentity))]
    public sealed class NewPeerIdentityCommand : PeerCmdlet
    {
        /// <summary>Where to write the identity file.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Replace an existing file (its identity is lost for good).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            string path = GetUnresolvedProviderPathFromPSPath(Path);
            if (File.Exists(path) && !Force)
            {
                WriteError(Error(new IOException("'" + path + "' already exists. Use it with Start-PeerNode -IdentityPath, or add -Force to replace it (the old identity is then lost)."), "IdentityFileExists", ErrorCategory.ResourceExists, path));
                return;
            }
            if (!ShouldProcess(path, "Create node identity")) return;
            try
            {
                WriteObject(PeerIdentity.Create(path, Force));
            }
            catch (System.Exception ex) when (ex is IOException || ex is System.UnauthorizedAccessException)
            {
                WriteError(Error(ex, "IdentityFileNotWritten", ErrorCategory.WriteError, path));
            }
        }
    }
}
