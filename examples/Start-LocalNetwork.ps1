<#
.SYNOPSIS
    Starts a local peer-to-peer network of -Count nodes in this session and shows a broadcast from every node
    reaching every other node.

.DESCRIPTION
    Starts an entry node, then -Count - 1 more nodes that join the network through it (Start-PeerNode
    -Bootstrap). Nothing else wires them: with automatic joining on, every node learns addresses from its
    neighbours and dials until it has its TargetPeers (5) links, or is linked to every other node of a smaller
    network.

    The script then
      1. waits until every node has its links and shows Get-PeerNode and the degree (number of links) and
         neighbours of each node,
      2. broadcasts one message from each node ("hello from <name>"),
      3. collects the messages on every node and shows who heard whom, how many hops the farthest message
         travelled, and the counters of every node (sent, delivered, relayed, duplicates dropped),
      4. stops every node (each says goodbye to its neighbours), unless -KeepRunning is given.

    Every node listens on a free port (-Port 0) on 127.0.0.1 by default, so nothing is exposed to the network
    and the script never collides with another node on this machine. It finishes within a few seconds.

.PARAMETER Count
    How many nodes to start (2 to 200). Default 10.

.PARAMETER NamePrefix
    Prefix of the node names: <prefix>-0 (the entry node) to <prefix>-<Count-1>. Names must be unique within
    the session, so change it to run the script again while an earlier network is kept running.

.PARAMETER Port
    Port of the entry node. Default 0: any free port. The other nodes always take any free port.

.PARAMETER ListenAddress
    Address the nodes listen on. Default 127.0.0.1 (this machine only); '::' listens on every interface.

.PARAMETER TimeoutSec
    How long to wait for the nodes to link up, and then for the messages to arrive. Default 15.

.PARAMETER KeepRunning
    Leave the nodes running and return them (PeerNode objects), to chat with them afterwards
    (Enter-PeerChat -Node <name>, Send-PeerMessage, Receive-PeerMessage). Stop them with
    Get-PeerNode <prefix>-* | Stop-PeerNode.

.PARAMETER PassThru
    Return one result object per node (Name, Degree, Neighbours, Received, Expected, MissingFrom, Duplicates,
    MaxHops, Node, Id, Endpoint). With -KeepRunning the results are returned instead of the nodes (each result's Node
    property holds the running node).

.EXAMPLE
    ./examples/Start-LocalNetwork.ps1

    Starts 10 nodes, shows how they linked up and that each received the 9 messages of the others, then stops
    them.

.EXAMPLE
    $nodes = ./examples/Start-LocalNetwork.ps1 -Count 5 -KeepRunning
    Send-PeerMessage 'anyone there?' -Node $nodes[2]
    Receive-PeerMessage -Node $nodes[4] -Wait -Timeout 5
    $nodes | Stop-PeerNode

    Keeps a 5-node network running to play with.

.EXAMPLE
    $results = ./examples/Start-LocalNetwork.ps1 -Count 20 -PassThru
    $results | Where-Object Received -ne 19

    Checks programmatically that every node of a 20-node network heard the 19 others.

.OUTPUTS
    Nothing by default; PSPeerChat.PeerNode with -KeepRunning; PSCustomObject (one per node) with -PassThru.

.NOTES
    Requires the PSPeerChat module: imported already, installed, or built in this repository
    (dotnet pwsh ./build.ps1 -Task Build), in which case the script imports out/PSPeerChat itself.
#>
[CmdletBinding()]
param(
    [ValidateRange(2, 200)]
    [int] $Count = 10,

    [ValidatePattern('^[A-Za-z0-9_.-]+$')]
    [string] $NamePrefix = 'local',

    [ValidateRange(0, 65535)]
    [int] $Port = 0,

    [ValidateNotNullOrEmpty()]
    [string] $ListenAddress = '127.0.0.1',

    [ValidateRange(1, 600)]
    [int] $TimeoutSec = 15,

    [switch] $KeepRunning,

    [switch] $PassThru
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# The module (imported here if needed) and the helpers the examples share.
. (Join-Path $PSScriptRoot 'ExampleSupport.ps1')

$nodes = [System.Collections.Generic.List[object]]::new()
$stopNodes = $true
try {
    # --- 1. Start the nodes: the entry node, then the joiners ---------------------------------------------
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $entry = Start-PeerNode -Name "$NamePrefix-0" -Port $Port -ListenAddress $ListenAddress
    $nodes.Add($entry)
    Write-Host "Entry node $($entry.Name) ($($entry.ShortId)) listens at $($entry.Endpoint)."
    for ($i = 1; $i -lt $Count; $i++) {
        $nodes.Add((Start-PeerNode -Name "$NamePrefix-$i" -Port 0 -ListenAddress $ListenAddress -Bootstrap $entry.Endpoint))
    }
    Write-Host "Started $($Count - 1) more nodes joining through $($entry.Endpoint); waiting for them to link up..."

    # --- 2. Wait until every node has its links ----------------------------------------------------------
    # A node dials until it holds TargetPeers links (5 by default); in a smaller network it can link to at
    # most Count - 1 others.
    $wanted = [Math]::Min($entry.TargetPeers, $Count - 1)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (@($nodes | Where-Object PeerCount -lt $wanted).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 50
    }
    $lonely = @($nodes | Where-Object PeerCount -eq 0)
    if ($lonely.Count -gt 0) {
        throw "After $TimeoutSec s these nodes still have no link: $($lonely.Name -join ', ')."
    }
    $short = @($nodes | Where-Object PeerCount -lt $wanted)
    if ($short.Count -gt 0) {
        Write-Warning "After $TimeoutSec s these nodes have fewer than $wanted links: $($short.Name -join ', '). Going on."
    }
    $links = ($nodes | Measure-Object PeerCount -Sum).Sum / 2
    Write-Host "All $Count nodes are linked after $($watch.ElapsedMilliseconds) ms: $links links, each node has at least $wanted."
    Write-Host ''

    Write-Host 'Get-PeerNode:'
    Get-PeerNode -Name $nodes.Name | Show-Table

    Write-Host 'Degree (links) and neighbours of each node:'
    $nodes | ForEach-Object {
        [pscustomobject]@{
            Node       = $_.Name
            Degree     = $_.PeerCount
            Neighbours = (Get-Peer -Node $_ | ForEach-Object Name | Sort-Object { if ($_ -match '-(\d+)$') { [int]$Matches[1] } else { [int]::MaxValue } }, { $_ }) -join ', '
        }
    } | Show-Table

    # --- 3. One broadcast from every node ----------------------------------------------------------------
    $names = @{}
    foreach ($n in $nodes) { $names[$n.Id] = $n.Name }
    foreach ($n in $nodes) {
        Send-PeerMessage -Node $n -Text "hello from $($n.Name)"
    }
    Write-Host "Every node broadcast 'hello from <its name>'; collecting the messages on every node..."

    # Messages travel in parallel; one deadline for all the waits keeps the whole step within TimeoutSec.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $results = foreach ($n in $nodes) {
        $left = [Math]::Max(0, [int][Math]::Ceiling(($deadline - [DateTime]::UtcNow).TotalSeconds))
        $got = @(Receive-PeerMessage -Node $n -Wait -Count ($Count - 1) -Timeout $left |
                Where-Object { $names.ContainsKey($_.From) -and $_.Text -eq "hello from $($names[$_.From])" })
        $heard = @($got | ForEach-Object { $names[$_.From] } | Sort-Object -Unique)
        $duplicates = $got.Count - $heard.Count
        $missing = @($nodes | Where-Object { $_ -ne $n -and $heard -notcontains $_.Name } | ForEach-Object Name)
        $result = [pscustomobject]@{
            Name        = $n.Name
            Degree      = $n.PeerCount
            Neighbours  = @(Get-Peer -Node $n | ForEach-Object Name)
            Received    = $got.Count
            Expected    = $Count - 1
            MissingFrom = $missing
            Duplicates  = $duplicates
            MaxHops     = if ($got.Count) { [int]($got | Measure-Object Hops -Maximum).Maximum } else { 0 }
            Node        = $n
            Id          = $n.Id
            Endpoint    = $n.Endpoint
        }
        $display = [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('Name', 'Degree', 'Received', 'MaxHops'))
        $result | Add-Member -MemberType MemberSet -Name PSStandardMembers -Value ([System.Management.Automation.PSMemberInfo[]]@($display)) -PassThru
    }

    Write-Host 'Messages received by each node:'
    $results | Show-Table -Property Name, Degree, Received, MaxHops, @{ Name = 'MissingFrom'; Expression = { $_.MissingFrom -join ', ' } }

    # Relayed and Duplicates also count the directory announcements the nodes flood when they gain links.
    Write-Host 'Node counters after the round (Relayed and Duplicates include the nodes'' directory announcements):'
    Get-PeerNode -Name $nodes.Name | Show-Table

    $incomplete = @($results | Where-Object { $_.Received -ne $_.Expected -or $_.Duplicates -ne 0 })
    if ($incomplete.Count -eq 0) {
        Write-Host "Every one of the $Count nodes received the $($Count - 1) messages of the others, each exactly once; the farthest travelled $(($results | Measure-Object MaxHops -Maximum).Maximum) hop(s)."
    }
    else {
        Write-Warning "$($incomplete.Count) node(s) did not receive every message within $TimeoutSec s: $(($incomplete | ForEach-Object { "$($_.Name) ($($_.Received)/$($_.Expected))" }) -join ', ')."
    }

    # --- 4. Output ---------------------------------------------------------------------------------------
    if ($KeepRunning) {
        $stopNodes = $false
        Write-Host "The $Count nodes keep running. Chat with one: Enter-PeerChat -Node $($entry.Name). Stop them: Get-PeerNode '$NamePrefix-*' | Stop-PeerNode"
        if ($PassThru) { $results } else { $nodes.ToArray() }
    }
    elseif ($PassThru) {
        $results
    }
}
finally {
    # Also on errors and Ctrl+C: never leave nodes (and their ports) behind.
    if ($stopNodes -and $nodes.Count -gt 0) {
        $nodes | Stop-PeerNode -Confirm:$false -ErrorAction Continue
        Write-Host "Stopped the $($nodes.Count) nodes."
    }
}
