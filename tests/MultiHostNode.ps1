#Requires -Version 7.0
<#
.SYNOPSIS
    One node of a multi-host test, run by tests/MultiHost.psm1 in its own pwsh process inside a network namespace.

.DESCRIPTION
    Starts a node with the given Start-PeerNode parameters, then, until told to stop:
      - takes commands appended as lines to <Dir>/<Name>.commands:
            broadcast <text>        Send-PeerMessage <text>
            direct <name> <text>    Send-PeerMessage -To <name> <text>
            connect <address>       Connect-Peer <address>
            stop                    stops the node and ends the process
      - appends every message it receives to <Dir>/<Name>.messages, one JSON object a line;
      - rewrites <Dir>/<Name>.state (JSON: id, port, peers, address book sources, LAN counters) when it changes.
    Errors go to <Dir>/<Name>.errors. It polls every 100 ms: the harness's waits have deadlines of their own.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string]$ModulePath,
    [Parameter(Mandatory)] [string]$Dir,
    [Parameter(Mandatory)] [string]$Name,
    [string]$NodeParameters = '{}'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$commands = Join-Path $Dir "$Name.commands"
$messages = Join-Path $Dir "$Name.messages"
$stateFile = Join-Path $Dir "$Name.state"
$errors = Join-Path $Dir "$Name.errors"

$parameters = @{}
($NodeParameters | ConvertFrom-Json).psobject.Properties | ForEach-Object { $parameters[$_.Name] = $_.Value }
$node = Start-PeerNode -Name $Name -Port 0 @parameters
$done = 0
$lastState = ''
try {
    while ($true) {
        foreach ($message in @(Receive-PeerMessage -Node $node)) {
            [pscustomobject]@{ From = $message.FromName; Text = $message.Text; IsDirect = $message.IsDirect } |
                ConvertTo-Json -Compress | Add-Content -LiteralPath $messages
        }
        $lines = @(if (Test-Path -LiteralPath $commands) { Get-Content -LiteralPath $commands })
        for (; $done -lt $lines.Count; $done++) {
            $verb, $rest = $lines[$done] -split ' ', 2
            try {
                switch ($verb) {
                    'broadcast' { Send-PeerMessage -Node $node -Text $rest }
                    'direct' { $to, $text = $rest -split ' ', 2; Send-PeerMessage -Node $node -To $to -Text $text }
                    'connect' { Connect-Peer -Node $node -Address $rest | Out-Null }
                    'stop' { return }
                    default { throw "unknown command '$verb'" }
                }
            }
            catch {
                "$($lines[$done]): $_" | Add-Content -LiteralPath $errors
            }
        }
        $state = [pscustomobject]@{
            Id                      = $node.Id
            Port                    = $node.Port
            LanDiscovery            = $node.LanDiscovery
            Peers                   = @(Get-Peer -Node $node | Where-Object State -EQ 'Connected' | ForEach-Object Name | Sort-Object)
            Addresses               = @(Get-PeerAddress -Node $node | ForEach-Object { "$($_.Source) $($_.Address)" } | Sort-Object)
            LanAnnouncementsHeard   = $node.LanAnnouncementsHeard
            LanAnnouncementsDropped = $node.LanAnnouncementsDropped
        } | ConvertTo-Json -Compress
        if ($state -ne $lastState) {
            Set-Content -LiteralPath "$stateFile.tmp" -Value $state
            Move-Item -LiteralPath "$stateFile.tmp" -Destination $stateFile -Force
            $lastState = $state
        }
        Start-Sleep -Milliseconds 100
    }
}
catch {
    "$_" | Add-Content -LiteralPath $errors
    throw
}
finally {
    Stop-PeerNode -Node $node
}
