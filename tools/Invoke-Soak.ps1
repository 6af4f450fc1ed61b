#Requires -Version 7.0
<#
.SYNOPSIS
    A soak run of the engine (not part of -Task Test or -Task Bench): churn, traffic and one hostile peer, for minutes.

.DESCRIPTION
    30 nodes on loopback join through one another (TargetPeers 5); every 2 s one of them is stopped and a new one
    joins through a random live node; a random node that has run 5 s broadcasts every 100 ms; one hostile peer attacks
    node 0 (which stays up) in turn for 20 s each: floods of every kind at full speed (bench/PSPeerChat.Bench/
    HostileRun.cs), 40 silent sockets, a neighbour that never reads, forged broadcasts. It prints one JSON line:
    delivery of every broadcast to every node that was up (and had run 5 s) when it was sent and is up at the end,
    live heap and handle count each minute against the start (they should stay flat), and drops by cause.

    dotnet pwsh ./tools/Invoke-Soak.ps1 [-Minutes 10]
#>
[CmdletBinding()]
param(
    [ValidateRange(0.5, 600)]
    [double]$Minutes = 10
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$project = Join-Path $root 'bench/PSPeerChat.Bench/PSPeerChat.Bench.csproj'
& dotnet build $project -c Release --nologo -v quiet
if ($LASTEXITCODE -ne 0) { throw "dotnet build of the bench failed (exit code $LASTEXITCODE)." }
$dll = Join-Path $root 'bench/PSPeerChat.Bench/bin/Release/net10.0/PSPeerChat.Bench.dll'
& dotnet $dll --soak $Minutes.ToString([Globalization.CultureInfo]::InvariantCulture)
exit $LASTEXITCODE
