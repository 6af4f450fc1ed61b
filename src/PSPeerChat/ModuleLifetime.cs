using System;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>
    /// Stops every node of the session on Remove-Module and when the process exits, so no socket or loop outlives the
    /// module; at import, installs the builder of PeerMessage.Data's PSCustomObjects (the engine has no PowerShell).
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport()
        {
            PeerMessage.DataConverter = ContentToPSObject.Convert;
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            NodeRegistry.StopAll();
        }

        private static void OnProcessExit(object sender, EventArgs e) => NodeRegistry.StopAll();
    }
}
