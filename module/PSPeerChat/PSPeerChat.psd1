@{
    RootModule             = 'PSPeerChat.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = 'de5c319e-0cc9-465f-9799-1a9278d42f25'
    Author                 = 'PSPeerChat contributors'
    CompanyName            = 'PSPeerChat contributors'
    Copyright              = '(c) PSPeerChat contributors.'
    Description            = 'Serverless peer-to-peer chat network: make this PowerShell session a node.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('PSPeerChat.Format.ps1xml')
    CmdletsToExport        = @(
        'Start-PeerNode'
        'Stop-PeerNode'
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
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags = @('P2P', 'Chat', 'Network', 'Flood')
        }
    }
}
