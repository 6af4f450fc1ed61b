<#
.SYNOPSIS
    Channels, objects, what you missed and the network map, on three nodes of this session, in a few seconds.

.DESCRIPTION
    Starts three nodes in a line (<prefix>-ops -- <prefix>-relay -- <prefix>-late is linked last) and shows, in turn:
      1. a channel: <prefix>-ops and <prefix>-relay join #ops; an ops line reaches the members, a lobby line
         everyone;
      2. objects: the first three processes of this machine (Name, Id) are sent to #ops as objects and arrive as
         PSCustomObjects in the Data property of the messages;
      3. what you missed: <prefix>-late, started after all that with -Channel '' (the lobby only), links to
         <prefix>-relay and is handed the lobby line it missed, marked CaughtUp, with its original send time (the #ops
         messages reach it too, but it does not show that channel);
      4. the map: Get-PeerNetwork from <prefix>-ops lists the three nodes and their two links, and
         Show-PeerNetwork writes it as a self-contained HTML page (-MapPath).
    Every node is stopped at the end. All listen on free ports of 127.0.0.1.

.PARAMETER NamePrefix
    Prefix of the node names. Default 'tour'.

.PARAMETER MapPath
    Where to write the HTML map. Default: a file in the temporary folder.

.PARAMETER TimeoutSec
    How long to wait for each step. Default 15.

.PARAMETER PassThru
    Return a result object: OpsSeenBy, LobbySeenBy (node names), Objects (the Data received), CaughtUp (the
    messages the late node was handed), MapNodes, MapLinks (counts) and MapPath.

.EXAMPLE
    ./examples/Show-ChatFeatures.ps1

.EXAMPLE
    $r = ./examples/Show-ChatFeatures.ps1 -PassThru; $r.Objects | Format-Table; Invoke-Item $r.MapPath

.NOTES
    Requires the PSPeerChat module: imported already, installed, or built in this repository
    (dotnet pwsh ./build.ps1 -Task Build), in which case the script imports out/PSPeerChat itself.
#>
[CmdletBinding()]
param(
    [string] $NamePrefix = 'tour',
    [string] $MapPath = (Join-Path ([System.IO.Path]::GetTempPath()) "pspeerchat-tour-$PID.html"),
    [double] $TimeoutSec = 15,
    [switch] $PassThru
)
. (Join-Path $PSScriptRoot 'ExampleSupport.ps1')

function Wait-For([scriptblock] $Condition, [string] $What) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Not within $TimeoutSec s: $What." }
        Start-Sleep -Milliseconds 50
    }
}

$common = @{ Port = 0; ListenAddress = '127.0.0.1'; TargetPeers = 0 }
$ops = Start-PeerNode -Name "$NamePrefix-ops" @common
$relay = Start-PeerNode -Name "$NamePrefix-relay" @common
$late = $null
try {
    $null = Connect-Peer -Node $ops -Address $relay.Endpoint
    Wait-For { $ops.PeerCount -eq 1 -and $relay.PeerCount -eq 1 } 'ops and relay linked'

    Write-Host '1. A channel: #ops for its members, the lobby for everyone.'
    Join-PeerChannel -Node $ops -Name ops | Out-Null
    Join-PeerChannel -Node $relay -Name ops | Out-Null
    Send-PeerMessage -Node $ops -Channel ops -Text 'deploy at five'
    Send-PeerMessage -Node $ops -Text 'lunch in the lobby'
    $atRelay = @()
    Wait-For { $script:atRelay += @(Receive-PeerMessage -Node $relay); $script:atRelay.Count -ge 2 } 'relay got the ops line and the lobby line'
    $atRelay | Show-Table -Property Channel, FromName, Text

    Write-Host '2. Objects: three processes, sent to #ops, arrive as objects in Data.'
    $sent = @(Get-Process | Sort-Object Id | Select-Object -First 3 Name, Id)
    $sent | Send-PeerMessage -Node $ops -Channel ops
    $objects = @()
    Wait-For { $script:objects += @(Receive-PeerMessage -Node $relay -Channel ops); $script:objects.Count -ge 3 } 'relay got the three objects'
    $data = @($objects | ForEach-Object Data)
    $data | Show-Table -Property Name, Id

    Write-Host '3. What you missed: a node that comes later is handed the lobby line, marked CaughtUp.'
    $late = Start-PeerNode -Name "$NamePrefix-late" @common -Channel '' # the lobby only: #ops is relayed, not shown
    $null = Connect-Peer -Node $late -Address $relay.Endpoint
    $caught = @()
    Wait-For { $script:caught += @(Receive-PeerMessage -Node $late); $script:caught.Count -ge 1 } 'the late node caught up'
    $caught | Show-Table -Property CaughtUp, SentAt, FromName, Text

    Write-Host '4. The map, from the first node.'
    $map = @(Get-PeerNetwork -Node $ops -TimeoutSec $TimeoutSec)
    $nodes = @($map | Where-Object { $_ -is [PSPeerChat.PeerNetworkNode] })
    $links = @($map | Where-Object { $_ -is [PSPeerChat.PeerNetworkLink] })
    $nodes | Show-Table -Property Name, ShortId, Hops, LinkCount, Answered
    $file = $map | Show-PeerNetwork -Path $MapPath
    Write-Host "The map is in $($file.FullName); open it in a browser (Invoke-Item)."

    if ($PassThru) {
        [pscustomobject]@{
            OpsSeenBy   = @($atRelay | Where-Object Channel -eq 'ops' | ForEach-Object ReceivedBy)
            LobbySeenBy = @($atRelay | Where-Object Channel -eq '' | ForEach-Object ReceivedBy)
            Sent        = $sent
            Objects     = $data
            CaughtUp    = $caught
            MapNodes    = $nodes.Count
            MapLinks    = $links.Count
            MapPath     = $file.FullName
        }
    }
}
finally {
    @($ops, $relay, $late) | Where-Object { $_ } | Stop-PeerNode -Confirm:$false
}
