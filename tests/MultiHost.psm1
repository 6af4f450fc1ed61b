#Requires -Version 7.0
<#
    A LAN of hosts in Linux network namespaces, for tests that need nodes on separate hosts (issue #15).

    New-TestLan makes a bridge in a namespace of its own and N host namespaces, each wired to the bridge by a veth
    pair: eth0 with 10.77.0.<i>/24 and its IPv6 link-local address, lo up. All names carry a random run id, so
    parallel or leftover runs do not collide, and nothing is added outside the namespaces (the veth pairs are made in
    the caller's namespace and moved out at once). Start-TestNode runs one node per host in its own pwsh process
    (tests/MultiHostNode.ps1) under `ip netns exec`; Send-TestNodeCommand, Get-TestNodeState and
    Get-TestNodeMessages talk to it through files. Disconnect-TestHost and Connect-TestHost take a host's link
    down and up. Remove-TestLan ends the processes and deletes the namespaces and files; call it in AfterAll.

    Needs Linux, root and iproute2: Get-TestLanUnsupportedReason says why not otherwise.
#>

Set-StrictMode -Version 3.0

$script:NodeScript = Join-Path $PSScriptRoot 'MultiHostNode.ps1'

function Get-TestLanUnsupportedReason {
    <# .SYNOPSIS Null when namespaces can be made here; else why not (for Set-ItResult -Skipped -Because). #>
    if (-not $IsLinux) { return 'network namespaces need Linux' }
    if ((id -u) -ne '0') { return 'network namespaces need root (run as root, as in CI)' }
    if (-not (Get-Command ip -CommandType Application -ErrorAction SilentlyContinue)) { return 'iproute2 (the ip command) is not installed' }
    $probe = 'ppcprobe' + [guid]::NewGuid().ToString('n').Substring(0, 6)
    $out = ip netns add $probe 2>&1
    if ($LASTEXITCODE -ne 0) { return "ip netns add failed: $out" }
    ip netns del $probe 2>&1 | Out-Null
    return $null
}

function Invoke-Ip {
    param([Parameter(ValueFromRemainingArguments)] [string[]]$Arguments)
    $out = & ip @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($Arguments -join ' ') failed: $out" }
}

function New-TestLan {
    <# .SYNOPSIS Makes a bridge and -Hosts host namespaces on it; returns the LAN (pass it to the other functions). #>
    [CmdletBinding()]
    param([ValidateRange(1, 60)] [int]$Hosts = 3)

    $run = 'p' + [guid]::NewGuid().ToString('n').Substring(0, 6) # interface names stay under 15 characters
    $lan = [pscustomobject]@{
        Run       = $run
        Dir       = Join-Path ([IO.Path]::GetTempPath()) "pspeerchat-$run"
        Bridge    = "$run-br"
        Hosts     = [System.Collections.Generic.List[object]]::new()
        Processes = @{}
    }
    New-Item -ItemType Directory -Path $lan.Dir | Out-Null
    try {
        Invoke-Ip netns add $lan.Bridge
        Invoke-Ip -n $lan.Bridge link add br0 type bridge mcast_snooping 0
        Invoke-Ip -n $lan.Bridge link set br0 up
        for ($i = 1; $i -le $Hosts; $i++) {
            $ns = "$run-h$i"
            $outer = "${run}h${i}b"
            Invoke-Ip netns add $ns
            $lan.Hosts.Add([pscustomobject]@{ Name = "h$i"; Namespace = $ns; IPv4 = "10.77.0.$i" })
            # Made here and moved at once: the pair never stays in the caller's namespace.
            Invoke-Ip link add "${run}h${i}a" type veth peer name $outer
            Invoke-Ip link set "${run}h${i}a" netns $ns
            Invoke-Ip link set $outer netns $lan.Bridge
            Invoke-Ip -n $lan.Bridge link set $outer master br0 up
            Invoke-Ip -n $ns link set "${run}h${i}a" name eth0
            # No duplicate address detection: the link-local address is usable as soon as the link is up.
            & ip netns exec $ns sysctl -q -w net.ipv6.conf.eth0.accept_dad=0 2>&1 | Out-Null
            Invoke-Ip -n $ns addr add "10.77.0.$i/24" dev eth0
            Invoke-Ip -n $ns link set lo up
            Invoke-Ip -n $ns link set eth0 up
        }
    }
    catch {
        Remove-TestLan -Lan $lan
        throw
    }
    $lan
}

function Get-TestHost {
    param([Parameter(Mandatory)] $Lan, [Parameter(Mandatory)] [string]$HostName)
    $h = $Lan.Hosts | Where-Object Name -EQ $HostName
    if (-not $h) { throw "No host '$HostName' in LAN $($Lan.Run)." }
    $h
}

function Start-TestNode {
    <#
    .SYNOPSIS
        Starts a node named after the host in its own pwsh process inside the host's namespace; returns once it
        reports its state (or throws at the deadline with what it wrote to stderr).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Lan,
        [Parameter(Mandatory)] [string]$HostName,
        [hashtable]$Parameters = @{},
        [double]$TimeoutSec = 30
    )
    $h = Get-TestHost $Lan $HostName
    $pwsh = Join-Path $PSHOME 'pwsh'
    $arguments = @('netns', 'exec', $h.Namespace, $pwsh, '-NoProfile', '-NonInteractive', '-File', $script:NodeScript,
        '-ModulePath', $env:PSPEERCHAT_MODULE, '-Dir', $Lan.Dir, '-Name', $HostName,
        '-NodeParameters', ($Parameters | ConvertTo-Json -Compress))
    $start = [System.Diagnostics.ProcessStartInfo]::new('ip')
    foreach ($a in $arguments) { $start.ArgumentList.Add([string]$a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start) # ip netns exec execs pwsh: this process is the node's
    $Lan.Processes[$HostName] = $process
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (Test-Path -LiteralPath (Join-Path $Lan.Dir "$HostName.state"))) {
        if ($process.HasExited) {
            $process.WaitForExit()
            throw "The node of $HostName exited ($($process.ExitCode)): $($stderr.Result) $($stdout.Result)"
        }
        if ($watch.Elapsed.TotalSeconds -gt $TimeoutSec) { throw "The node of $HostName did not start within $TimeoutSec s." }
        Start-Sleep -Milliseconds 50
    }
    Get-TestNodeState -Lan $Lan -HostName $HostName
}

function Send-TestNodeCommand {
    <# .SYNOPSIS Appends a command line for a host's node: broadcast <text>, direct <name> <text>, connect <address>, stop. #>
    param([Parameter(Mandatory)] $Lan, [Parameter(Mandatory)] [string]$HostName, [Parameter(Mandatory)] [string]$Command)
    Add-Content -LiteralPath (Join-Path $Lan.Dir "$HostName.commands") -Value $Command
}

function Get-TestNodeState {
    <# .SYNOPSIS The state a host's node last wrote: Id, Port, LanDiscovery, Peers (names), Addresses ("source address"), LAN counters. #>
    param([Parameter(Mandatory)] $Lan, [Parameter(Mandatory)] [string]$HostName)
    $path = Join-Path $Lan.Dir "$HostName.state"
    if (-not (Test-Path -LiteralPath $path)) { return $null }
    Get-Content -LiteralPath $path -Raw | ConvertFrom-Json
}

function Get-TestNodeMessages {
    <# .SYNOPSIS The messages a host's node received so far: From, Text, IsDirect. #>
    param([Parameter(Mandatory)] $Lan, [Parameter(Mandatory)] [string]$HostName)
    $path = Join-Path $Lan.Dir "$HostName.messages"
    if (-not (Test-Path -LiteralPath $path)) { return @() }
    @(Get-Content -LiteralPath $path | ForEach-Object { $_ | ConvertFrom-Json })
}

function Get-TestNodeErrors {
    <# .SYNOPSIS What a host's node wrote to its error file (failed commands). #>
    param([Parameter(Mandatory)] $Lan, [Parameter(Mandatory)] [string]$HostName)
    $path = Join-Path $Lan.Dir "$HostName.errors"
    if (Test-Path -LiteralPath $path) { Get-Content -LiteralPath $path -Raw } else { '' }
}

function Disconnect-TestHost {
    <# .SYNOPSIS Cuts a host off the LAN: its eth0 goes down (its node keeps running). #>
    param([Parameter(Mandatory)] $Lan, [Parameter(Mandatory)] [string]$HostName)
    Invoke-Ip -n (Get-TestHost $Lan $HostName).Namespace link set eth0 down
}

function Connect-TestHost {
    <# .SYNOPSIS Heals a host cut off with Disconnect-TestHost: its eth0 comes back up. #>
    param([Parameter(Mandatory)] $Lan, [Parameter(Mandatory)] [string]$HostName)
    Invoke-Ip -n (Get-TestHost $Lan $HostName).Namespace link set eth0 up
}

function Remove-TestLan {
    <# .SYNOPSIS Ends every node process of the LAN and deletes its namespaces (and so its links) and files; never throws. #>
    param([Parameter(Mandatory)] $Lan)
    foreach ($name in @($Lan.Processes.Keys)) {
        $process = $Lan.Processes[$name]
        try {
            if (-not $process.HasExited) {
                Send-TestNodeCommand -Lan $Lan -HostName $name -Command 'stop'
                if (-not $process.WaitForExit(5000)) { $process.Kill() }
                $process.WaitForExit()
            }
        }
        catch {
            Write-Warning "Could not end the node of $name ($($process.Id)): $_"
        }
    }
    foreach ($h in $Lan.Hosts) { & ip netns del $h.Namespace 2>&1 | Out-Null }
    & ip netns del $Lan.Bridge 2>&1 | Out-Null
    Remove-Item -LiteralPath $Lan.Dir -Recurse -Force -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Get-TestLanUnsupportedReason, New-TestLan, Start-TestNode, Send-TestNodeCommand, Get-TestNodeState,
    Get-TestNodeMessages, Get-TestNodeErrors, Disconnect-TestHost, Connect-TestHost, Remove-TestLan
