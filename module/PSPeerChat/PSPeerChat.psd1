@{
    RootModule             = 'PSPeerChat.dll'
    # Stamped by build.ps1 from <Version> in Directory.Build.props, the one place the version is written.
    ModuleVersion          = '0.0.0'
    GUID                   = 'de5c319e-0cc9-465f-9799-1a9278d42f25'
    Author                 = 'PSPeerChat contributors'
    CompanyName            = 'PSPeerChat contributors'
    Copyright              = '(c) PSPeerChat contributors.'
    Description            = 'Serverless peer-to-peer chat network: makes this PowerShell session a node that floods signed broadcasts to every node, joins through any member, repairs itself, and sends end-to-end encrypted direct messages. Speaks the plain text protocol of "Peer to Peer Chat Network in Go" too. Tested on PowerShell 7.6 (Linux); built for Windows PowerShell 5.1 as well, untested there.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('PSPeerChat.Format.ps1xml')
    CmdletsToExport        = @(
        'Start-PeerNode'
        'Stop-PeerNode'
        'Wait-PeerNode'
        'Get-PeerNode'
        'Connect-Peer'
        'Disconnect-Peer'
        'Get-Peer'
        'Send-PeerMessage'
        'Receive-PeerMessage'
        'Enter-PeerChat'
        'Get-PeerAddress'
        'Get-PeerDirectory'
        'New-PeerIdentity'
        'Join-PeerChannel'
        'Exit-PeerChannel'
        'Get-PeerChannel'
        'Get-PeerNetwork'
        'Show-PeerNetwork'
        'Test-PeerNetwork'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('P2P', 'PeerToPeer', 'Chat', 'Network', 'Flood', 'Gossip', 'Ed25519', 'Encryption', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            License      = 'MIT (see LICENSE in the module folder)'
            # Stamped by build.ps1: the suffix of a prerelease <Version> (0.2.0-beta1 -> 'beta1'), and the version's
            # section of CHANGELOG.md.
            Prerelease   = ''
            ReleaseNotes = ''
        }
    }
}
