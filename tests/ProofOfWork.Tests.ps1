#Requires -Version 7.0
# A price per message through the cmdlets (Start-PeerNode -ProofOfWork, protocol.md §3.10): a node that requires work
# drops what a node with a lower setting sends, counts it and shows it; a node that pays is heard. The wire details
# (layout, binding, relays, faults) are in the xunit suite.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Start-PeerNode -ProofOfWork' {
    AfterEach {
        Get-PeerNode 'pow-*' | Stop-PeerNode -Confirm:$false
    }

    It 'drops and counts the messages of a node that pays less, and is heard by it' {
        $free = Start-PeerNode -Name 'pow-free' -Port 0 -TargetPeers 0
        $priced = Start-PeerNode -Name 'pow-priced' -Port 0 -TargetPeers 0 -ProofOfWork 50
        $free.ProofOfWork | Should -Be 0
        $priced.ProofOfWork | Should -Be 50
        Connect-TestTopology -Nodes $free, $priced -Edges @(, @(0, 1))

        Send-PeerMessage -Node $free -Text 'free'
        Wait-Until { $priced.ProofOfWorkDrops -eq 1 } -Because 'the priced node dropped the free message' | Out-Null
        Send-PeerMessage -Node $priced -Text 'paid'

        $got = @(Receive-PeerMessage -Node $free -Wait -Count 1 -Timeout 10)
        $got.Text | Should -Be 'paid'
        @(Receive-PeerMessage -Node $priced) | Should -HaveCount 0
        $free.ProofOfWorkDrops | Should -Be 0
        (Get-Peer -Node $priced).State | Should -Be 'Connected' -Because 'a few cheap messages of a neighbour do not close its link'
        ($priced | Format-List | Out-String) | Should -Match 'ProofOfWork\s*:\s*50 hashes per byte \(1 messages dropped for less\)'
        ($free | Format-List | Out-String) | Should -Match 'ProofOfWork\s*:\s*off'
    }

    It 'refuses a setting out of range' {
        $err = Get-ErrorRecord { Start-PeerNode -Name 'pow-bad' -Port 0 -ProofOfWork 10001 -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
        Get-PeerNode 'pow-bad' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
