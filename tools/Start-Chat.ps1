#Requires -Version 7.0
<#
.SYNOPSIS
    Interactive chat node; started by build.ps1 -Task Chat in a fresh pwsh.

.DESCRIPTION
    Imports the built module, starts a node, joins the node on localhost:55555 unless this
    node is itself on 55555, enters the chat and stops the node on the way out.
#>
[CmdletBinding()]
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../out/PSPeerChat/PSPeerChat.psd1')
)

$ErrorActionPreference = 'Stop'

Import-Module $ModulePath -Force
$node = Start-PeerNode
try {
    if ($node.Port -ne 55555) {
        Connect-Peer -Address 'localhost:55555' -ErrorAction Continue | Out-Null
    }
    Enter-PeerChat -Node $node
}
finally {
    Stop-PeerNode -Node $node
}
