#Requires -Version 7.0
# "What you missed" over real loopback TCP (protocol.md §3.14, §4.4): a node stopped and started again with its
# identity file gets what was broadcast and sent to it meanwhile, once each, marked CaughtUp with the sender's time.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'A node restarted with its identity file' {
    BeforeAll {
        $identity = Join-Path $TestDrive 'away.key'
        $a = Start-PeerNode -Name 'hist-a' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $away = Start-PeerNode -Name 'hist-away' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -IdentityPath $identity
        $awayId = $away.Id
        $null = Connect-Peer -Node $away -Address $a.Endpoint
        $null = Wait-Until { (Get-PeerDirectory -Node $a | Where-Object { $_.Id -eq $awayId -and $_.CanReceiveDirect }) } -Because 'a knows the key of the node that will be away'
        Send-PeerMessage -Node $a -Text 'before the stop'
        $live = @(Receive-PeerMessage -Node $away -Wait -Count 1 -Timeout 10)
        Stop-PeerNode -Node $away -Confirm:$false
        $null = Wait-Until { $a.PeerCount -eq 0 } -Because 'a saw the node go'

        $broadcast = Send-PeerMessage -Node $a -Text 'broadcast while it was away' -PassThru
        $direct = Send-PeerMessage -Node $a -To $awayId -Text 'direct while it was away' -PassThru

        # What a served before the restart: the first link's catch-up may still have been running when 'before the stop'
        # was sent (it is then served to the first node too, and dropped there as a duplicate), so count from here.
        $servedBefore = $a.HistoryServed
        $back = Start-PeerNode -Name 'hist-back' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -IdentityPath $identity
        $null = Connect-Peer -Node $back -Address $a.Endpoint
        $caught = @(Receive-PeerMessage -Node $back -Wait -Count 2 -Timeout 10)
        # Both sides have exchanged their filters and answers once a has answered and the back node's own answer came.
        $null = Wait-Until { $back.CaughtUp -eq 2 -and $a.HistoryServed - $servedBefore -ge 2 } -Because 'the catch-up is over'
    }

    It 'keeps its id and received the live message before the stop' {
        $back.Id | Should -Be $awayId
        $live.Text | Should -Be 'before the stop'
        $live.CaughtUp | Should -BeFalse
    }

    It 'gets the broadcast and the direct message sent meanwhile, once each, marked CaughtUp with their SentAt' {
        $caught.Count | Should -Be 2
        $got = $caught | Where-Object Id -eq $broadcast.Id
        $got.Text | Should -Be 'broadcast while it was away'
        $got.CaughtUp | Should -BeTrue
        $got.SentAt | Should -Be $broadcast.SentAt
        $gotDirect = $caught | Where-Object Id -eq $direct.Id
        $gotDirect.Text | Should -Be 'direct while it was away'
        $gotDirect.IsDirect | Should -BeTrue
        $gotDirect.CaughtUp | Should -BeTrue
        $gotDirect.From | Should -Be $a.Id
    }

    It 'does not get the message it had before the stop again' {
        @(Receive-PeerMessage -Node $back).Count | Should -Be 0
        $back.MessagesDelivered | Should -Be 2
        $a.HistoryServed - $servedBefore | Should -Be 2 -Because 'a served the restarted node only what it missed'
        Test-Path (Join-Path $TestDrive 'away.seen') | Should -BeTrue
    }

    It 'shows caught-up messages with a marker in the default view' {
        ($caught | Where-Object Id -eq $broadcast.Id | Out-String -Width 250) | Should -Match '\[caught up, sent \d\d:\d\d:\d\d\] broadcast while it was away'
    }
}

Describe 'History options' {
    It 'refuses a window of 30 ticks (not 30 minutes) with InvalidNodeOption' {
        $err = Get-ErrorRecord { Start-PeerNode -Name 'hist-bad' -Port 0 -HistoryWindow 30 -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidNodeOption*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'HistoryWindow'
    }

    It 'refuses HistoryBytes below 128 KiB with InvalidNodeOption' {
        $err = Get-ErrorRecord { Start-PeerNode -Name 'hist-small' -Port 0 -HistoryBytes 1000 -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidNodeOption*'
    }

    It 'turns history off with -HistoryWindow 0 and shows it in Get-PeerNode' {
        $off = Start-PeerNode -Name 'hist-off' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -HistoryWindow 0
        try {
            $off.HistoryWindow | Should -Be ([TimeSpan]::Zero)
            (Get-PeerNode -Name 'hist-off' | Format-List | Out-String) | Should -Match 'History\s*:\s*off'
        }
        finally {
            Stop-PeerNode -Node $off -Confirm:$false
        }
    }
}
