<#
.SYNOPSIS
    Builds two separate peer-to-peer networks, shows that they are separate, then bridges them with one
    Connect-Peer and shows a broadcast reaching every node of both.

.DESCRIPTION
    Starts two networks of -Count nodes each in this session, A (<prefix>A-0 ...) and B (<prefix>B-0 ...).
    In each, the nodes join through their own entry node (Start-PeerNode -Bootstrap) and link up by
    themselves (automatic joining), so the two networks know nothing of each other.

    The script then
      1. has every node broadcast "before the bridge: <name>" and shows, per node, how many messages it heard
         from its own network and from the other one (none: a flood never leaves its network),
      2. links the last node of A to the last node of B with a single Connect-Peer (the bridge),
      3. has every node broadcast "after the bridge: <name>" and shows that every node now hears all the
         2 * Count - 1 others, from both networks,
      4. stops every node.

    After the bridge the nodes also learn addresses across it, so automatic joining adds more links between
    the former networks over the following seconds: the bridge becomes a merged network.

    All nodes listen on free ports (-Port 0) on 127.0.0.1 by default. The script finishes within seconds.

.PARAMETER Count
    Nodes in each network (2 to 100). Default 5.

.PARAMETER NamePrefix
    Prefix of the node names: <prefix>A-<i> and <prefix>B-<i>. Default 'net'.

.PARAMETER ListenAddress
    Address the nodes listen on. Default 127.0.0.1 (this machine only).

.PARAMETER TimeoutSec
    How long to wait for each network to form and for the messages of each round. Default 15.

.PARAMETER GraceMs
    How long to go on listening after each node heard its own network's messages before the bridge, so that a
    message that crossed (it must not) would be seen. Default 1000.

.PARAMETER PassThru
    Return a result object: NetworkA, NetworkB (node names), Bridge (From, To), Before and After (one row
    per node: Node, Network, FromA, FromB, Received, Expected), Separate (no message crossed before the
    bridge) and Merged (every node heard every other node after it).

.EXAMPLE
    ./examples/Join-TwoNetworks.ps1

    Two networks of 5 nodes, bridged by one link.

.EXAMPLE
    $r = ./examples/Join-TwoNetworks.ps1 -Count 8 -PassThru
    $r.Separate, $r.Merged
    $r.After | Format-Table

.OUTPUTS
    Nothing by default; with -PassThru one PSCustomObject describing both rounds.

.NOTES
    Requires the PSPeerChat module: imported already, installed, or built in this repository
    (dotnet pwsh ./build.ps1 -Task Build), in which case the script imports out/PSPeerChat itself.
#>
[CmdletBinding()]
param(
    [ValidateRange(2, 100)]
    [int] $Count = 5,

    [ValidatePattern('^[A-Za-z0-9_.-]+$')]
    [string] $NamePrefix = 'net',

    [ValidateNotNullOrEmpty()]
    [string] $ListenAddress = '127.0.0.1',

    [ValidateRange(1, 600)]
    [int] $TimeoutSec = 15,

    [ValidateRange(0, 60000)]
    [int] $GraceMs = 1000,

    [switch] $PassThru
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# The module (imported here if needed) and the helpers the examples share.
. (Join-Path $PSScriptRoot 'ExampleSupport.ps1')

# Starts one network: an entry node and Count - 1 nodes joining through it.
function Start-Network([string] $Label) {
    $entry = Start-PeerNode -Name "$NamePrefix$Label-0" -Port 0 -ListenAddress $ListenAddress
    $all.Add($entry)
    $members = @($entry)
    for ($i = 1; $i -lt $Count; $i++) {
        $node = Start-PeerNode -Name "$NamePrefix$Label-$i" -Port 0 -ListenAddress $ListenAddress -Bootstrap $entry.Endpoint
        $all.Add($node)
        $members += $node
    }
    Write-Host "Network $Label`: $Count nodes joining through $($entry.Name) at $($entry.Endpoint)."
    return , $members
}

# Names of the nodes reachable from $From by following links (Get-Peer), among the nodes of this session.
function Get-Reachable($From) {
    $byId = @{}
    foreach ($n in $all) { $byId[$n.Id] = $n }
    $seen = [System.Collections.Generic.HashSet[string]]::new()
    $queue = [System.Collections.Generic.Queue[object]]::new()
    $null = $seen.Add($From.Id)
    $queue.Enqueue($From)
    while ($queue.Count -gt 0) {
        foreach ($p in @(Get-Peer -Node $queue.Dequeue())) {
            if ($byId.ContainsKey($p.Id) -and $seen.Add($p.Id)) { $queue.Enqueue($byId[$p.Id]) }
        }
    }
    return @($all | Where-Object { $seen.Contains($_.Id) } | ForEach-Object Name)
}

# Every node broadcasts "<tag>: <name>"; each then collects up to $Expect such messages (one deadline for all)
# and, with $GraceMs, whatever else arrives shortly after. Returns one row per node.
function Invoke-Round([string] $Tag, [int] $Expect, [int] $Grace) {
    foreach ($n in $all) { Send-PeerMessage -Node $n -Text "$Tag`: $($n.Name)" -WarningAction SilentlyContinue }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $got = @{}
    foreach ($n in $all) {
        $got[$n.Id] = [System.Collections.Generic.List[object]]::new()
        # Count only this round's messages: across a new link the nodes also catch up what the other side said
        # before (Start-PeerNode -HistoryWindow), delivered with CaughtUp set.
        $matching = 0
        while ($matching -lt $Expect) {
            $left = [Math]::Max(0, [int][Math]::Ceiling(($deadline - [DateTime]::UtcNow).TotalSeconds))
            if ($left -eq 0) { break }
            $m = Receive-PeerMessage -Node $n -Wait -Count 1 -Timeout $left
            if (-not $m) { break }
            $got[$n.Id].Add($m)
            if ($m.Text -like "$Tag`: *") { $matching++ }
        }
    }
    if ($Grace -gt 0) {
        Start-Sleep -Milliseconds $Grace
        foreach ($n in $all) { Receive-PeerMessage -Node $n | ForEach-Object { $got[$n.Id].Add($_) } }
    }
    foreach ($n in $all) {
        $mine = @($got[$n.Id] | Where-Object { $network.ContainsKey($_.From) -and $_.Text -eq "$Tag`: $($_.FromName)" })
        [pscustomobject]@{
            Node     = $n.Name
            Network  = $network[$n.Id]
            Links    = $n.PeerCount
            FromA    = @($mine | Where-Object { $network[$_.From] -eq 'A' }).Count
            FromB    = @($mine | Where-Object { $network[$_.From] -eq 'B' }).Count
            Received = $mine.Count
            Expected = $Expect
        }
    }
}

$all = [System.Collections.Generic.List[object]]::new()
try {
    # --- 1. Two separate networks ------------------------------------------------------------------------
    $a = Start-Network 'A'
    $b = Start-Network 'B'
    $network = @{}
    foreach ($n in $a) { $network[$n.Id] = 'A' }
    foreach ($n in $b) { $network[$n.Id] = 'B' }

    $wanted = [Math]::Min($a[0].TargetPeers, $Count - 1)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (@($all | Where-Object PeerCount -lt $wanted).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 50
    }
    $reachA = Get-Reachable $a[0]
    $reachB = Get-Reachable $b[0]
    if ($reachA.Count -ne $Count -or $reachB.Count -ne $Count) {
        throw "The networks did not form within $TimeoutSec s: $($reachA.Count) of $Count nodes reachable in A, $($reachB.Count) in B."
    }
    Write-Host "Both networks formed: every node has at least $wanted link(s). From $($a[0].Name) $($reachA.Count) nodes are reachable (all of A), from $($b[0].Name) $($reachB.Count) (all of B)."
    Write-Host ''
    $all | ForEach-Object {
        [pscustomobject]@{ Network = $network[$_.Id]; Node = $_.Name; Links = $_.PeerCount; Neighbours = (Get-Peer -Node $_ | ForEach-Object Name | Sort-Object) -join ', ' }
    } | Show-Table

    # --- 2. Separate: a broadcast stays in its network ---------------------------------------------------
    Write-Host "Before the bridge every node broadcasts once; each should hear the $($Count - 1) others of its own network and nobody from the other network."
    $before = @(Invoke-Round 'before the bridge' ($Count - 1) $GraceMs)
    $before | Show-Table -Property Network, Node, Links, FromA, FromB
    $crossed = @($before | Where-Object { ($_.Network -eq 'A' -and $_.FromB -gt 0) -or ($_.Network -eq 'B' -and $_.FromA -gt 0) })
    $separate = $crossed.Count -eq 0 -and @($before | Where-Object Received -ne ($Count - 1)).Count -eq 0
    if ($separate) { Write-Host 'Separate: every node heard its whole network and no message crossed to the other one.' }
    else { Write-Warning "Not separate as expected: $(($before | Where-Object { $_.Received -ne $_.Expected -or $crossed -contains $_ } | ForEach-Object Node) -join ', ')." }
    Write-Host ''

    # --- 3. The bridge: one link between the networks ----------------------------------------------------
    $from = $a[-1]
    $to = $b[-1]
    $bridge = Connect-Peer -Node $from -Address $to.Endpoint
    # Connect-Peer returns once the link is up on this side; wait until the other side has registered it too.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (@(Get-Peer -Node $to | Where-Object Id -eq $from.Id).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 20
    }
    Write-Host "Bridge: $($from.Name) dialled $($to.Name) at $($to.Endpoint) (Connect-Peer): link to $($bridge.Name) ($($bridge.Direction), $($bridge.Protocol))."
    $reach = Get-Reachable $a[0]
    Write-Host "From $($a[0].Name) $($reach.Count) of $(2 * $Count) nodes are reachable now."
    Write-Host ''

    # --- 4. Merged: a broadcast reaches both networks ----------------------------------------------------
    Write-Host "After the bridge every node broadcasts once more; each should hear all $(2 * $Count - 1) others."
    $after = @(Invoke-Round 'after the bridge' (2 * $Count - 1) 0)
    $after | Show-Table -Property Network, Node, Links, FromA, FromB, Received
    $merged = @($after | Where-Object Received -ne (2 * $Count - 1)).Count -eq 0
    if ($merged) { Write-Host "Merged: all $(2 * $Count) nodes heard the $(2 * $Count - 1) others across the single bridge link." }
    else { Write-Warning "Not every node heard everyone after the bridge: $(($after | Where-Object Received -ne (2 * $Count - 1) | ForEach-Object { "$($_.Node) ($($_.Received))" }) -join ', ')." }

    if ($PassThru) {
        [pscustomobject]@{
            NetworkA = @($a | ForEach-Object Name)
            NetworkB = @($b | ForEach-Object Name)
            Bridge   = [pscustomobject]@{ From = $from.Name; To = $to.Name; Address = $to.Endpoint }
            Before   = $before
            After    = $after
            Separate = $separate
            Merged   = $merged
        }
    }
}
finally {
    if ($all.Count -gt 0) {
        $all | Stop-PeerNode -Confirm:$false -ErrorAction Continue
        Write-Host "Stopped the $($all.Count) nodes."
    }
}
