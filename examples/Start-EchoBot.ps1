<#
.SYNOPSIS
    An echo bot: a node that answers '!ping' with 'pong' and '!echo <text>' by broadcasting <text>.

.DESCRIPTION
    Starts a node (or uses the one given with -Node), optionally joins a network through -Bootstrap, and
    answers the messages it receives:

      !ping           ->  pong
      !echo <text>    ->  <text>

    Everything else is shown and left alone. A command sent to the bot as a direct message
    (Send-PeerMessage -To <bot>) is answered directly to its sender; a broadcast command is answered with a
    broadcast, so the whole network sees the answer.

    The bot is a single pipeline: Receive-PeerMessage -Wait streams the messages as they arrive,
    Where-Object picks the commands and ForEach-Object answers them with Send-PeerMessage. It runs until
    Ctrl+C, for -DurationSec seconds, or until it has received -MaxMessages messages, whichever comes first.
    A node the script started is stopped when it ends (also on Ctrl+C or an error); a node given with -Node
    is left running.

.PARAMETER Node
    An existing node (PeerNode object or name) to run the bot on. Without it the script starts its own.

.PARAMETER Name
    Name of the node the script starts. Default 'echo-bot'.

.PARAMETER Port
    Port of the node the script starts. Default 0: any free port (shown when the bot starts).

.PARAMETER ListenAddress
    Address the started node listens on. Default: the module's default (every interface).

.PARAMETER Bootstrap
    Addresses (host:port) of members of a network to join. A node the script starts keeps joining through
    them by itself (automatic joining); with -Node they are dialled once with Connect-Peer.

.PARAMETER DurationSec
    Stop after this many seconds, counted from the start of the script (the wait for messages is rounded up to
    whole seconds). Default 0: run until Ctrl+C (or -MaxMessages).

.PARAMETER MaxMessages
    Stop after receiving this many messages (commands or not). Default 0: no limit.

.PARAMETER PassThru
    Output every answer as sent (PSPeerChat.PeerMessage).

.EXAMPLE
    ./examples/Start-EchoBot.ps1 -Bootstrap localhost:55555

    Joins the network of the chat started with 'dotnet pwsh ./build.ps1 -Task Chat' and answers until Ctrl+C.
    Type '!ping' or '!echo hi there' in the chat.

.EXAMPLE
    $node = Start-PeerNode -Name helper -Port 0 -Bootstrap 192.168.1.20:55555
    $bot = (Resolve-Path ./examples/Start-EchoBot.ps1).Path
    $job = Start-ThreadJob { & $using:bot -Node helper } -StreamingHost $Host
    # ... chat on; the bot's lines show up in this console ...
    $job | Stop-Job; Stop-PeerNode helper

    Runs the bot in the background on a node of this session (the module's nodes are shared by all the
    runspaces of the process, so the job finds 'helper' by name).

.EXAMPLE
    ./examples/Start-EchoBot.ps1 -DurationSec 60 -MaxMessages 100

    Starts a standalone bot for at most a minute or 100 messages; others link to it with
    Connect-Peer <this machine>:<port shown>.

.OUTPUTS
    Nothing by default; with -PassThru the answers sent (PSPeerChat.PeerMessage).

.NOTES
    Requires the PSPeerChat module: imported already, installed, or built in this repository
    (dotnet pwsh ./build.ps1 -Task Build), in which case the script imports out/PSPeerChat itself.
#>
[CmdletBinding(DefaultParameterSetName = 'Start')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Node')]
    [ValidateNotNull()]
    [object] $Node,

    [Parameter(ParameterSetName = 'Start')]
    [ValidateNotNullOrEmpty()]
    [string] $Name = 'echo-bot',

    [Parameter(ParameterSetName = 'Start')]
    [ValidateRange(0, 65535)]
    [int] $Port = 0,

    [Parameter(ParameterSetName = 'Start')]
    [ValidateNotNullOrEmpty()]
    [string] $ListenAddress,

    [ValidateNotNullOrEmpty()]
    [string[]] $Bootstrap,

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

$watch = [System.Diagnostics.Stopwatch]::StartNew()
$ownNode = $null
$stats = @{ Received = 0; Answered = 0 }
try {
    # --- The node: given, or started here ----------------------------------------------------------------
    $use = Use-ExampleNode -Node $Node -Name $Name -Port $Port -ListenAddress $ListenAddress -Bootstrap $Bootstrap
    $bot = $use.Node
    $ownNode = $use.Own

    $until = @()
    if ($DurationSec -gt 0) { $until += "for $DurationSec s" }
    if ($MaxMessages -gt 0) { $until += "until $MaxMessages message(s) arrived" }
    $until = if ($until) { $until -join ' or ' } else { 'until Ctrl+C' }
    Write-Host "Echo bot on node $($bot.Name) ($($bot.ShortId)), listening at $($bot.Endpoint); runs $until."
    Write-Host "Answers '!ping' with 'pong' and '!echo <text>' with <text>."

    Show-ExampleLinks $bot $Bootstrap $DurationSec $watch

    # --- The bot: one pipeline -----------------------------------------------------------------------------
    $receive = @{ Node = $bot; Wait = $true }
    if ($DurationSec -gt 0) {
        $receive.Timeout = [Math]::Max(0, [int][Math]::Ceiling($DurationSec - $watch.Elapsed.TotalSeconds))
    }
    if ($MaxMessages -gt 0) { $receive.Count = $MaxMessages }

    Receive-PeerMessage @receive |
        ForEach-Object {
            $stats.Received++
            $direct = if ($_.IsDirect) { ' [direct]' } else { '' }
            Write-Host ("[{0:HH:mm:ss}]{1} {2}: {3}" -f $_.ReceivedAt.ToLocalTime(), $direct, (Get-Printable $_.FromName), (Get-Printable $_.Text))
            $_
        } |
        Where-Object { $_.Text -match '^!ping(\s|$)' -or $_.Text -like '!echo *' } |
        ForEach-Object {
            $answer = if ($_.Text -like '!echo *') { $_.Text.Substring(6) } else { 'pong' }
            if ($answer.Trim().Length -eq 0) { return }
            $send = @{ Node = $bot; Text = $answer; PassThru = $true; ErrorAction = 'Continue'; WarningAction = 'SilentlyContinue' }
            # Direct commands get a direct answer (a text peer has no id to answer to: it gets a broadcast).
            if ($_.IsDirect -and $_.Protocol -eq 'PeerChat') { $send.To = $_.From }
            $sent = Send-PeerMessage @send
            if ($sent) {
                $stats.Answered++
                Write-Host ("           -> {0}{1}" -f (Get-Printable $answer), $(if ($send.ContainsKey('To')) { " (direct to $(Get-Printable $_.FromName))" } else { '' }))
                if ($PassThru) { $sent }
            }
        }
}
finally {
    Write-Host ("Echo bot done after {0:N1} s: {1} message(s) received, {2} answered." -f $watch.Elapsed.TotalSeconds, $stats.Received, $stats.Answered)
    if ($ownNode) {
        Stop-PeerNode -Node $ownNode -Confirm:$false -ErrorAction Continue
        Write-Host "Stopped node $($ownNode.Name)."
    }
}
