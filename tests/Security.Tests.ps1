#Requires -Version 7.0
# Identity and security through the cmdlets: identity files, the directory, signed and verified broadcasts,
# end-to-end encrypted direct messages, and the cost of verification (measured and reported, not asserted).
# Forged, altered and replayed frames need a raw PeerChat peer that signs: those are in the xunit suite.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Identity files' {
    AfterEach {
        Get-PeerNode 'id-*' | Stop-PeerNode -Confirm:$false
    }

    It 'New-PeerIdentity creates a file only its owner can read, and refuses to overwrite it without -Force' {
        $path = Join-Path $TestDrive 'alice.identity'
        $identity = New-PeerIdentity -Path $path
        $identity | Should -BeOfType 'PSPeerChat.PeerIdentity'
        $identity.Id | Should -Match '^[0-9a-f]{32}$'
        $identity.ShortId | Should -Be $identity.Id.Substring(0, 8)
        if (-not $IsWindows) { (Get-Item $path).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }

        $err = Get-ErrorRecord { New-PeerIdentity -Path $path -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'IdentityFileExists*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'

        (New-PeerIdentity -Path $path -Force).Id | Should -Not -Be $identity.Id
    }

    It 'keeps the node id across restarts with -IdentityPath' {
        $path = Join-Path $TestDrive 'restart.identity'
        $first = Start-PeerNode -Name 'id-first' -Port 0 -IdentityPath $path
        $id = $first.Id
        Test-Path $path | Should -BeTrue -Because 'a missing identity file is created'
        Stop-PeerNode -Node $first
        $second = Start-PeerNode -Name 'id-second' -Port 0 -IdentityPath $path
        $second.Id | Should -Be $id
        (New-PeerIdentity -Path (Join-Path $TestDrive 'other.identity')).Id | Should -Not -Be $id
    }

    It 'keeps the address book beside the identity file, or where -AddressBookPath says, and refuses a path it cannot write' {
        $path = Join-Path $TestDrive 'books.identity'
        $node = Start-PeerNode -Name 'id-book' -Port 0 -IdentityPath $path
        Test-Path (Join-Path $TestDrive 'books.addresses') | Should -BeTrue -Because 'the book is written beside the identity file at start'
        Stop-PeerNode -Node $node
        if (-not $IsWindows) { (Get-Item (Join-Path $TestDrive 'books.addresses')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }

        $named = Join-Path $TestDrive 'elsewhere/my.book'
        $node = Start-PeerNode -Name 'id-book2' -Port 0 -AddressBookPath $named
        Test-Path $named | Should -BeTrue
        Get-Content $named -TotalCount 1 | Should -Be '# PSPeerChat address book v1'
        Stop-PeerNode -Node $node

        $blocker = Join-Path $TestDrive 'a-file'
        Set-Content -Path $blocker -Value 'x'
        $err = Get-ErrorRecord { Start-PeerNode -Name 'id-book3' -Port 0 -AddressBookPath (Join-Path $blocker 'book') -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidNodeOption*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'address book cannot be written'
        Get-PeerNode 'id-book3' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a tampered identity file with a clear error instead of making a new identity' {
        $path = Join-Path $TestDrive 'tampered.identity'
        $null = New-PeerIdentity -Path $path
        $lines = Get-Content $path
        $i = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -like 'signing-key:*' })
        # One character in the middle of the base64 key: its six bits all count (the last characters carry padding bits,
        # and A and B there can decode to the same 32 bytes).
        $key = $lines[$i]
        $at = 'signing-key: '.Length + 10
        $lines[$i] = $key.Substring(0, $at) + ($(if ($key[$at] -eq 'A') { 'Q' } else { 'A' })) + $key.Substring($at + 1)
        Set-Content -Path $path -Value $lines

        $err = Get-ErrorRecord { Start-PeerNode -Name 'id-tampered' -Port 0 -IdentityPath $path -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'IdentityInvalid*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match 'damaged or was changed'
        Get-PeerNode 'id-tampered' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $foreign = Join-Path $TestDrive 'notes.txt'
        Set-Content -Path $foreign -Value 'just some notes'
        $err = Get-ErrorRecord { Start-PeerNode -Name 'id-foreign' -Port 0 -IdentityPath $foreign -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'IdentityInvalid*'
        $err.Exception.Message | Should -Match 'not a PSPeerChat identity file'
        Get-Content $foreign | Should -Be 'just some notes' -Because 'a foreign file is never overwritten'
    }
}

Describe 'A name two nodes use' {
    BeforeAll {
        $hub = Start-PeerNode -Name 'amb-hub' -Port 0 -TargetPeers 0
        # A session holds one node of a name; the second twin is started through the API, as another process would.
        $options = [PSPeerChat.PeerNodeOptions]@{ Name = 'amb-twin'; Port = 0; ListenAddress = '127.0.0.1'; TargetPeers = 0 }
        $twins = @((Start-PeerNode -Name 'amb-twin' -Port 0 -TargetPeers 0), [PSPeerChat.PeerNode]::Start($options))
        Connect-TestTopology -Nodes @($hub, $twins[0], $twins[1]) -Edges @(@(1, 0), @(2, 0))
        $null = Wait-Until { @(Get-PeerDirectory -Node $hub 'amb-twin').Count -eq 2 } -TimeoutSec 10 -Because 'the hub knows both twins'
    }
    AfterAll {
        $hub, $twins[0] | Stop-PeerNode -Confirm:$false
        $twins[1].Stop()
    }

    It 'is refused with both candidates listed, and the full id picks one' {
        $err = Get-ErrorRecord { Send-PeerMessage -Node $hub -To 'amb-twin' -Text 'which one?' -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'AmbiguousRecipient*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'amb-twin'
        foreach ($twin in $twins) { $err.Exception.Message | Should -Match $twin.ShortId }
        $err.Exception.Message | Should -Match 'first seen'
        $err.Exception.Message | Should -Not -Match 'Parameter' -Because 'the .NET parameter tail is stripped'
        @($err.Exception.InnerException.Candidates.Id | Sort-Object) | Should -Be @($twins.Id | Sort-Object)
        $hub.MessagesSent | Should -Be 0

        (Send-PeerMessage -Node $hub -To $twins[1].Id -Text 'for the second twin' -PassThru).To | Should -Be $twins[1].Id
        (Receive-PeerMessage -Node $twins[1] -Wait -Count 1 -Timeout 10).Text | Should -Be 'for the second twin'
    }
}

Describe 'Directory and direct messages in a line of five nodes' {
    BeforeAll {
        $line = @(0..4 | ForEach-Object { Start-PeerNode -Name "dm-$_" -Port 0 -TargetPeers 0 })
        Connect-TestTopology -Nodes $line -Edges @(0..3 | ForEach-Object { , @($_, ($_ + 1)) })
        $null = Wait-Until { (Get-PeerDirectory -Node $line[0] | Where-Object Id -eq $line[4].Id) } -TimeoutSec 10 -Because 'dm-0 heard dm-4 announce itself'
    }
    AfterAll {
        $line | Stop-PeerNode -Confirm:$false
    }

    It 'lists the nodes it heard of, with fingerprints and hop counts' {
        $null = Wait-Until { @(Get-PeerDirectory -Node $line[0]).Count -eq 4 } -TimeoutSec 10 -Because 'dm-0 knows the four others'
        $dir = Get-PeerDirectory -Node $line[0]
        $dir | Should -BeOfType 'PSPeerChat.PeerDirectoryEntry'
        ($dir | Where-Object Id -eq $line[0].Id) | Should -BeNullOrEmpty -Because 'a node does not list itself'
        for ($i = 1; $i -le 4; $i++) {
            $entry = $dir | Where-Object Id -eq $line[$i].Id
            $entry.Name | Should -Be "dm-$i"
            $entry.ShortId | Should -Be $line[$i].ShortId
            $entry.Hops | Should -Be $i -Because "dm-$i is $i links away"
            $entry.CanReceiveDirect | Should -BeTrue
        }
        (Get-PeerDirectory -Node $line[0] -Name 'dm-3').Id | Should -Be $line[3].Id
    }

    It 'delivers a direct message to its recipient only, encrypted and verified' {
        $sent = Send-PeerMessage -Node $line[0] -To 'dm-4' -Text 'for your eyes only' -PassThru
        $sent.IsDirect | Should -BeTrue
        $sent.To | Should -Be $line[4].Id

        $got = @(Receive-PeerMessage -Node $line[4] -Wait -Count 1 -Timeout 10)
        $got.Count | Should -Be 1
        $got[0].Text | Should -Be 'for your eyes only'
        $got[0].IsDirect | Should -BeTrue
        $got[0].Verified | Should -BeTrue
        $got[0].From | Should -Be $line[0].Id
        $got[0].FromName | Should -Be 'dm-0'
        $got[0].Hops | Should -Be 4

        # The relays passed it on but could not read it: it reached dm-4, and none of them delivered it.
        Send-PeerMessage -Node $line[0] -Text 'marker after the direct message'
        foreach ($i in 1..4) {
            $inbox = @(Receive-PeerMessage -Node $line[$i] -Wait -Count 1 -Timeout 10)
            $inbox.Text | Should -Be 'marker after the direct message' -Because "dm-$i has only the broadcast"
        }
        foreach ($i in 1..3) { $line[$i].MessagesRelayed | Should -BeGreaterOrEqual 2 -Because "dm-$i relayed both" }
    }

    It 'accepts an id or a unique id prefix as recipient' {
        Send-PeerMessage -Node $line[4] -To $line[1].ShortId -Text 'by prefix'
        (Receive-PeerMessage -Node $line[1] -Wait -Count 1 -Timeout 10).Text | Should -Be 'by prefix'
        Send-PeerMessage -Node $line[4] -To $line[2].Id -Text 'by id'
        (Receive-PeerMessage -Node $line[2] -Wait -Count 1 -Timeout 10).Text | Should -Be 'by id'
    }

    It 'says clearly when the recipient is unknown' {
        $err = Get-ErrorRecord { Send-PeerMessage -Node $line[0] -To 'nobody-here' -Text 'lost' -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'UnknownRecipient*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'Get-PeerDirectory'
    }

    It 'shows when each node was first heard of' {
        $dir = Get-PeerDirectory -Node $line[0]
        foreach ($entry in $dir) {
            $entry.FirstSeen | Should -BeOfType [DateTimeOffset]
            $entry.FirstSeen | Should -BeLessOrEqual $entry.LastSeen
        }
        ($dir | Format-Table | Out-String) | Should -Match 'FirstSeen'
    }

    It 'marks signed broadcasts verified and shows the fingerprint beside the name' {
        Send-PeerMessage -Node $line[2] -Text 'signed'
        $m = Receive-PeerMessage -Node $line[0] -Wait -Count 1 -Timeout 10
        $m.Verified | Should -BeTrue
        $m.FromShortId | Should -Be $line[2].ShortId
        ($m | Format-Table | Out-String) | Should -Match ([regex]::Escape("dm-2 ($($line[2].ShortId))"))
    }
}

Describe 'Messages from plain text peers' {
    It 'are delivered but marked unverified, with the gateway that signed them' {
        $gateway = Start-PeerNode -Name 'sec-gw' -Port 0 -TargetPeers 0
        $other = Start-PeerNode -Name 'sec-other' -Port 0 -TargetPeers 0
        try {
            Connect-TestTopology -Nodes $gateway, $other -Edges @(, @(0, 1))
            $client = New-TextClient -Port $gateway.Port
            try {
                Send-TextLine -Connection $client -Text 'typed in nc'
                $m = Receive-PeerMessage -Node $other -Wait -Count 1 -Timeout 10
                $m.Text | Should -Be 'typed in nc'
                $m.Protocol | Should -Be 'Text'
                $m.Verified | Should -BeFalse
                $m.Gateway | Should -Be $gateway.Id
            }
            finally {
                Close-TextConnection -Connection $client
            }
        }
        finally {
            $gateway, $other | Stop-PeerNode -Confirm:$false
        }
    }
}

Describe 'Verification cost' {
    It 'verifies every signed broadcast, and reports how many per second' {
        $a = Start-PeerNode -Name 'verify-a' -Port 0 -TargetPeers 0 -InboxCapacity 10000
        $b = Start-PeerNode -Name 'verify-b' -Port 0 -TargetPeers 0 -InboxCapacity 10000
        try {
            Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))
            $count = 3000
            $before = $b.SignaturesVerified
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $cpuBefore = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
            for ($i = 0; $i -lt $count; $i++) { $null = $a.Broadcast("verify $i") }
            $null = Wait-Until { $b.MessagesDelivered -ge $count } -TimeoutSec 60 -Because 'every message arrived'
            $elapsed = $watch.Elapsed.TotalSeconds
            $cpu = ([Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpuBefore).TotalSeconds
            $verified = $b.SignaturesVerified - $before
            $verified | Should -BeGreaterOrEqual $count
            $all = @(Receive-PeerMessage -Node $b)
            $all.Count | Should -Be $count
            @($all | Where-Object { -not $_.Verified }).Count | Should -Be 0
            Write-Host ("    {0} messages signed by one node (sent from a PowerShell loop) and verified by the other in {1:N2} s: {2:N0} verified/s; {3:N0} us of CPU per message for both nodes together" -f $count, $elapsed, ($verified / $elapsed), ($cpu * 1e6 / $count))
        }
        finally {
            $a, $b | Stop-PeerNode -Confirm:$false
        }
    }
}
