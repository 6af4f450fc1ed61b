#Requires -Version 7.0
<#
.SYNOPSIS
    Interactive chat node; started by build.ps1 -Task Chat in a fresh pwsh.

.DESCRIPTION
    Imports the built module, starts a node that joins through localhost:55555 (the first chat's
    node) and finds the nodes of its local network (-LanDiscovery), enters the chat and stops the
    node on the way out.
#>
[CmdletBinding()]
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../out/PSPeerChat/PSPeerChat.psd1')
)

$ErrorActionPreference = 'Stop'

Import-Module $ModulePath -Force
# Every chat joins through the node on 55555 (the first one started); the first one finds that address
# loops back to itself and leaves it. Further nodes learn about each other and link up by themselves.
# LAN discovery is on here (off by default in Start-PeerNode): a person who starts the chat wants to meet
# the other chats of the local network, on this machine and on others, with no address typed.
$node = Start-PeerNode -Bootstrap 'localhost:55555' -LanDiscovery
try {
    Enter-PeerChat -Node $node
}
finally {
    Stop-PeerNode -Node $node
}
