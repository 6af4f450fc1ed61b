#Requires -Version 7.0
# Padding of direct messages through the cmdlets (Start-PeerNode -NoDirectPadding, protocol.md §3.9): a node started
# with it sends unpadded direct messages, says so, and nodes with and without padding read each other's. The frame
# sizes on the wire are checked in the xunit suite (DirectFrameTests, DirectMessageTests).

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Start-PeerNode -NoDirectPadding' {
    AfterEach {
        Get-PeerNode 'pad-*' | Stop-PeerNode -Confirm:$false
    }

    It 'starts a node that does not pad, and it and a padding node read each other''s direct messages' {
        $padded = Start-PeerNode -Name 'pad-on' -Port 0 -TargetPeers 0
        $unpadded = Start-PeerNode -Name 'pad-off' -Port 0 -TargetPeers 0 -NoDirectPadding
        $padded.PadDirectMessages | Should -BeTrue -Because 'padding is on by default'
        $unpadded.PadDirectMessages | Should -BeFalse
        ($padded | Format-List | Out-String) | Should -Match 'DirectPadding\s*:\s*on'
        ($unpadded | Format-List | Out-String) | Should -Match 'DirectPadding\s*:\s*off'

        Connect-TestTopology -Nodes $padded, $unpadded -Edges @(, @(0, 1))
        $null = Wait-Until { (Get-PeerDirectory -Node $padded 'pad-off').CanReceiveDirect -and (Get-PeerDirectory -Node $unpadded 'pad-on').CanReceiveDirect } -TimeoutSec 10 -Because 'each knows the other''s key'

        $cases = @(
            @{ From = $padded; To = $unpadded; Text = 'padded, for a node that does not pad' }
            @{ From = $unpadded; To = $padded; Text = 'unpadded, for a node that pads' }
        )
        foreach ($case in $cases) {
            $sent = Send-PeerMessage -Node $case.From -To $case.To.Name -Text $case.Text -PassThru
            $got = @(Receive-PeerMessage -Node $case.To -Wait -Count 1 -Timeout 10)
            $got.Count | Should -Be 1 -Because "$($case.To.Name) got the direct message of $($case.From.Name)"
            $got[0].Id | Should -Be $sent.Id
            $got[0].Text | Should -BeExactly $case.Text
            $got[0].IsDirect | Should -BeTrue
            $got[0].Verified | Should -BeTrue
            $got[0].From | Should -Be $case.From.Id
        }

        $padded.InvalidSignatures + $unpadded.InvalidSignatures | Should -Be 0 -Because 'neither refused the other''s direct message'
    }
}
