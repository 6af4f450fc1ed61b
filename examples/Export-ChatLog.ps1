<#
.SYNOPSIS
    A logger node: joins a network and appends every message it receives to a CSV file.

.DESCRIPTION
    Starts a node (or uses the one given with -Node) that joins a network through -Bootstrap and writes each
    message it receives, as it arrives, as one row of a CSV file with the columns

      ReceivedAt  when the message arrived, ISO 8601 round-trip format with this machine's offset,
                  e.g. 2025-05-01T14:03:07.1234567+02:00
      FromName    the sender's name
      From        the sender's node id (for a plain text peer: its address)
      Text        the text
      Hops        how many links it travelled (1 = from a neighbour)
      IsDirect    True for a direct message to this node (Send-PeerMessage -To), False for a broadcast

    The file is appended to, so a logger can be restarted on the same file; a file whose columns differ is
    refused. Every row is written (and the file closed) as the message arrives, so the log can be followed
    with Get-Content -Wait while it grows.

    The node also relays messages like any other node, so a logger with links into two networks bridges them.
    It runs until Ctrl+C, for -DurationSec seconds or until -MaxMessages messages were logged, whichever comes
    first. A node the script started is stopped when it ends; a node given with -Node is left running.

.PARAMETER Path
    The CSV file. Default: chat-log.csv in the current directory.

.PARAMETER Bootstrap
    Addresses (host:port) of members of the network to join. A node the script starts keeps joining through
    them by itself (automatic joining); with -Node they are dialled once with Connect-Peer.

.PARAMETER Node
    An existing node (PeerNode object or name) to log from. Without it the script starts its own.

.PARAMETER Name
    Name of the node the script starts. Default 'chat-logger'.

.PARAMETER Port
    Port of the node the script starts. Default 0: any free port.

.PARAMETER ListenAddress
    Address the started node listens on. Default: the module's default (every interface).

.PARAMETER DurationSec
    Stop after this many seconds, counted from the start of the script (the wait for messages is rounded up to
    whole seconds). Default 0: until Ctrl+C (or -MaxMessages).

.PARAMETER MaxMessages
    Stop after this many messages were logged. Default 0: no limit.

.PARAMETER PassThru
    Also output each row as it is written.

.EXAMPLE
    ./examples/Export-ChatLog.ps1 -Bootstrap localhost:55555 -Path ~/chat.csv

    Logs the network of the chat started with 'dotnet pwsh ./build.ps1 -Task Chat' until Ctrl+C. In another
    terminal: Get-Content ~/chat.csv -Wait

.EXAMPLE
    ./examples/Export-ChatLog.ps1 -Bootstrap 10.0.0.5:55555 -DurationSec 3600
    Import-Csv ./chat-log.csv | Group-Object FromName | Sort-Object Count -Descending

    Logs an hour of chat, then counts the messages per sender.

.OUTPUTS
    Nothing by default; with -PassThru one PSCustomObject per row written.

.NOTES
    Requires the PSPeerChat module: imported already, installed, or built in this repository
    (dotnet pwsh ./build.ps1 -Task Build), in which case the script imports out/PSPeerChat itself.
#>
[CmdletBinding(DefaultParameterSetName = 'Start')]
param(
    [ValidateNotNullOrEmpty()]
    [string] $Path = 'chat-log.csv',

    [ValidateNotNullOrEmpty()]
    [string[]] $Bootstrap,

    [Parameter(Mandatory, ParameterSetName = 'Node')]
    [ValidateNotNull()]
    [object] $Node,

    [Parameter(ParameterSetName = 'Start')]
    [ValidateNotNullOrEmpty()]
    [string] $Name = 'chat-logger',

    [Parameter(ParameterSetName = 'Start')]
    [ValidateRange(0, 65535)]
    [int] $Port = 0,

    [Parameter(ParameterSetName = 'Start')]
    [ValidateNotNullOrEmpty()]
    [string] $ListenAddress,

    [ValidateRange(0, [int]::MaxValue)]
    [int] $DurationSec = 0,

    [ValidateRange(0, [int]::MaxValue)]
    [int] $MaxMessages = 0,

    [switch] $PassThru
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# The module (imported here if needed) and the helpers the examples share.
. (Join-Path $PSScriptRoot 'ExampleSupport.ps1')

$columns = 'ReceivedAt', 'FromName', 'From', 'Text', 'Hops', 'IsDirect'
$file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)

# Appending to a CSV with other columns would mix two formats in one file: refuse before joining anything.
if ((Test-Path -LiteralPath $file) -and (Get-Item -LiteralPath $file).Length -gt 0) {
    $existing = (Get-Content -LiteralPath $file -TotalCount 1) -split ',' | ForEach-Object { $_.Trim().Trim('"') }
    if (($existing -join ',') -ne ($columns -join ',')) {
        throw "'$file' already holds other columns ($($existing -join ', ')); a chat log has $($columns -join ', '). Choose another -Path."
    }
}
$directory = Split-Path -Parent $file
if ($directory -and -not (Test-Path -LiteralPath $directory)) { $null = New-Item -ItemType Directory -Path $directory }

$watch = [System.Diagnostics.Stopwatch]::StartNew()
$ownNode = $null
$stats = @{ Written = 0 }
try {
    # --- The node: given, or started here ----------------------------------------------------------------
    $use = Use-ExampleNode -Node $Node -Name $Name -Port $Port -ListenAddress $ListenAddress -Bootstrap $Bootstrap
    $logger = $use.Node
    $ownNode = $use.Own

    $until = @()
    if ($DurationSec -gt 0) { $until += "for $DurationSec s" }
    if ($MaxMessages -gt 0) { $until += "until $MaxMessages message(s) are logged" }
    $until = if ($until) { $until -join ' or ' } else { 'until Ctrl+C' }
    Write-Host "Logging the messages node $($logger.Name) ($($logger.ShortId), $($logger.Endpoint)) receives to $file; runs $until."

    Show-ExampleLinks $logger $Bootstrap $DurationSec $watch

    # --- The log: one pipeline, one appended row per message -------------------------------------------
    $receive = @{ Node = $logger; Wait = $true }
    if ($DurationSec -gt 0) {
        $receive.Timeout = [Math]::Max(0, [int][Math]::Ceiling($DurationSec - $watch.Elapsed.TotalSeconds))
    }
    if ($MaxMessages -gt 0) { $receive.Count = $MaxMessages }

    Receive-PeerMessage @receive |
        ForEach-Object {
            $row = [pscustomobject][ordered]@{
                ReceivedAt = $_.ReceivedAt.ToString('o', [cultureinfo]::InvariantCulture)
                FromName   = $_.FromName
                From       = $_.From
                Text       = $_.Text
                Hops       = $_.Hops
                IsDirect   = $_.IsDirect
            }
            # One Export-Csv per row: the row is on disk (file closed) before the next message is taken.
            $row | Export-Csv -LiteralPath $file -Append -NoTypeInformation -Encoding utf8
            $stats.Written++
            $direct = if ($_.IsDirect) { ' [direct]' } else { '' }
            Write-Host ("[{0:HH:mm:ss}]{1} {2}: {3}" -f $_.ReceivedAt.ToLocalTime(), $direct, (Get-Printable $_.FromName), (Get-Printable $_.Text))
            if ($PassThru) { $row }
        }
}
finally {
    Write-Host ("Logged {0} message(s) to {1} in {2:N1} s." -f $stats.Written, $file, $watch.Elapsed.TotalSeconds)
    if ($ownNode) {
        Stop-PeerNode -Node $ownNode -Confirm:$false -ErrorAction Continue
        Write-Host "Stopped node $($ownNode.Name)."
    }
}
