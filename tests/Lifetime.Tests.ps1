#Requires -Version 7.0
# Nodes clean up when the module goes away: Remove-Module and the end of the PowerShell session each close every
# socket (with a goodbye to the neighbours) and free every port. Each case runs in its own pwsh process, linked
# to a node of this session that watches what the other side does.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false

    $repoRoot = Split-Path -Parent $PSScriptRoot   # dotnet finds the local pwsh tool from here
    $modulePath = (Resolve-Path -LiteralPath $env:PSPEERCHAT_MODULE).ProviderPath

    # Starts a child pwsh that runs $Script (with $modulePath, $port and $watcher defined) and returns the process.
    function Start-ChildSession([string] $Script, [int] $Port, [string] $Watcher) {
        $prelude = "`$ErrorActionPreference = 'Stop'; `$modulePath = '$modulePath'; `$port = $Port; `$watcher = '$Watcher'; "
        $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in 'pwsh', '-NoProfile', '-NonInteractive', '-Command', ($prelude + $Script)) { $info.ArgumentList.Add($a) }
        $info.WorkingDirectory = $repoRoot
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.RedirectStandardInput = $true
        $info.UseShellExecute = $false
        return [Diagnostics.Process]::Start($info)
    }
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Cleaning up when the module or the session goes away' {
    BeforeEach {
        $watcher = Start-PeerNode -Name 'life-watcher' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $port = Get-FreeTcpPort
    }
    AfterEach {
        Get-PeerNode 'life-*' | Stop-PeerNode -Confirm:$false
        if ($child -and -not $child.HasExited) { $child.Kill($true) }
    }

    It 'Remove-Module closes every socket with a goodbye and frees the ports, while the session goes on' {
        # The child links two nodes to the watcher, removes the module, reports, and waits for a line on stdin.
        $script = @'
Import-Module $modulePath
$a = Start-PeerNode -Name child-a -Port $port -ListenAddress 127.0.0.1 -TargetPeers 0
$b = Start-PeerNode -Name child-b -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
$null = Connect-Peer -Node $a -Address $watcher
$null = Connect-Peer -Node $b -Address $watcher
[Console]::Out.WriteLine('linked'); [Console]::Out.Flush()
$null = [Console]::In.ReadLine()
Remove-Module PSPeerChat
$listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port)
$listener.Start(); $listener.Stop()
[Console]::Out.WriteLine("removed $($a.State) $($b.State)"); [Console]::Out.Flush()
$null = [Console]::In.ReadLine()
'@
        $child = Start-ChildSession -Script $script -Port $port -Watcher $watcher.Endpoint
        $line = $child.StandardOutput.ReadLineAsync()
        $null = Wait-Until { $line.IsCompleted } -TimeoutSec 60 -Because "the child session linked its nodes (stderr: $(if ($child.HasExited) { $child.StandardError.ReadToEnd() }))"
        $line.Result | Should -Be 'linked'
        $null = Wait-Until { $watcher.PeerCount -eq 2 } -TimeoutSec 10 -Because 'both child nodes are linked to the watcher'
        $links = Get-Peer -Node $watcher

        $child.StandardInput.WriteLine('go')
        $line = $child.StandardOutput.ReadLineAsync()
        $null = Wait-Until { $line.IsCompleted } -TimeoutSec 30 -Because 'the child removed the module'
        $line.Result | Should -Be 'removed Stopped Stopped' -Because 'Remove-Module stopped both nodes and their port could be bound again at once'
        $null = Wait-Until { $watcher.PeerCount -eq 0 } -TimeoutSec 10 -Because 'the watcher saw both links close'
        foreach ($l in $links) { $l.CloseReason | Should -Be 'Shutdown' -Because 'the nodes said goodbye instead of vanishing' }
        $child.HasExited | Should -BeFalse -Because 'only the module went away, not the session'
        $child.StandardInput.WriteLine('done')
        $null = Wait-Until { $child.HasExited } -TimeoutSec 30 -Because 'the child session ends'
        $child.ExitCode | Should -Be 0
    }

    It 'the end of the session closes every socket with a goodbye and frees the port' {
        $script = @'
Import-Module $modulePath
$a = Start-PeerNode -Name child-end -Port $port -ListenAddress 127.0.0.1 -TargetPeers 0
$null = Connect-Peer -Node $a -Address $watcher
[Console]::Out.WriteLine('linked'); [Console]::Out.Flush()
$null = [Console]::In.ReadLine()
exit 0
'@
        $child = Start-ChildSession -Script $script -Port $port -Watcher $watcher.Endpoint
        $line = $child.StandardOutput.ReadLineAsync()
        $null = Wait-Until { $line.IsCompleted } -TimeoutSec 60 -Because 'the child session linked its node'
        $line.Result | Should -Be 'linked'
        $null = Wait-Until { $watcher.PeerCount -eq 1 } -TimeoutSec 10 -Because 'the child node is linked to the watcher'
        $link = Get-Peer -Node $watcher

        $child.StandardInput.WriteLine('exit')
        $null = Wait-Until { $child.HasExited } -TimeoutSec 30 -Because 'the child session ends'
        $child.ExitCode | Should -Be 0
        $null = Wait-Until { $watcher.PeerCount -eq 0 } -TimeoutSec 10 -Because 'the watcher saw the link close'
        $link.CloseReason | Should -Be 'Shutdown' -Because 'the node said goodbye as the session ended'
        Test-TcpPortBindable -Port $port | Should -BeTrue
    }
}
