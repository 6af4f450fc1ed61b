#Requires -Version 7.0
# End-to-end tests of chatting between two linked nodes: Send-PeerMessage (pipeline, -PassThru, limits,
# no node) and Receive-PeerMessage (drain, -Wait with -Timeout and -Count), plus the inbox bound.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Chat between two nodes' {
    BeforeAll {
        $a = Start-PeerNode -Name 'chat-a' -Port 0
        $b = Start-PeerNode -Name 'chat-b' -Port 0
        Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))
    }

    AfterAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    AfterEach {
        Assert-InboxEmpty -Node $a, $b
    }

    It 'delivers a message from a to b with its details' {
        $before = [DateTimeOffset]::Now.AddSeconds(-1)
        Send-PeerMessage -Node $a -Text 'hello b'

        $got = @(Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10)
        $got.Count | Should -Be 1
        $m = $got[0]
        $m | Should -BeOfType 'PSPeerChat.PeerMessage'
        $m.Text | Should -Be 'hello b'
        $m.From | Should -Be $a.Id
        $m.FromName | Should -Be 'chat-a'
        $m.Hops | Should -Be 1
        $m.Via | Should -Be $a.Id
        $m.Protocol | Should -Be 'PeerChat'
        $m.ReceivedBy | Should -Be 'chat-b'
        $m.Id | Should -Match '^[0-9a-fA-F]{32}$'
        $m.SentAt | Should -BeGreaterOrEqual $before
        $m.ReceivedAt | Should -BeGreaterOrEqual $m.SentAt.AddSeconds(-1)
        $m.ReceivedAt | Should -BeLessOrEqual ([DateTimeOffset]::Now.AddSeconds(1))
    }

    It 'delivers a message from b to a (both ways) and never to its sender' {
        Send-PeerMessage -Node $b -Text 'hello a'
        $got = @(Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 10)
        $got.Count | Should -Be 1
        $got[0].Text | Should -Be 'hello a'
        $got[0].From | Should -Be $b.Id
        $got[0].ReceivedBy | Should -Be 'chat-a'
        # b's own message is not in b's inbox (AfterEach checks both inboxes are empty).
        $b.InboxCount | Should -Be 0
    }

    It 'keeps Unicode text intact' {
        $text = 'héllo wörld ✓ 日本語 🙂'
        Send-PeerMessage -Node $a -Text $text
        (Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10).Text | Should -BeExactly $text
    }

    It 'sends every string piped in, in order' {
        'one', 'two', 'three' | Send-PeerMessage -Node $a
        $got = @(Receive-PeerMessage -Node $b -Wait -Count 3 -Timeout 10)
        $got.Count | Should -Be 3
        $got.Text | Should -Be @('one', 'two', 'three')
        @($got.Id | Sort-Object -Unique).Count | Should -Be 3
    }

    It 'outputs nothing without -PassThru and the sent message with it' {
        $silent = Send-PeerMessage -Node $a -Text 'quiet'
        $silent | Should -BeNullOrEmpty

        $sent = Send-PeerMessage -Node $a -Text 'loud' -PassThru
        @($sent).Count | Should -Be 1
        $sent | Should -BeOfType 'PSPeerChat.PeerMessage'
        $sent.Text | Should -Be 'loud'
        $sent.From | Should -Be $a.Id
        $sent.FromName | Should -Be 'chat-a'
        $sent.Hops | Should -Be 0

        $got = @(Receive-PeerMessage -Node $b -Wait -Count 2 -Timeout 10)
        $got.Text | Should -Be @('quiet', 'loud')
        $got[1].Id | Should -Be $sent.Id -Because 'a message keeps its id across the network'
    }

    It 'outputs one message per piped string with -PassThru' {
        $sent = @('p1', 'p2' | Send-PeerMessage -Node $a -PassThru)
        $sent.Count | Should -Be 2
        $sent.Text | Should -Be @('p1', 'p2')
        $null = Receive-PeerMessage -Node $b -Wait -Count 2 -Timeout 10
    }

    It 'counts messages on the nodes and on the links' {
        $sentBefore = $a.MessagesSent
        $deliveredBefore = $b.MessagesDelivered
        $linkOnA = Get-Peer -Node $a -Id $b.Id
        $linkOnB = Get-Peer -Node $b -Id $a.Id
        $linkSentBefore = $linkOnA.MessagesSent
        $linkReceivedBefore = $linkOnB.MessagesReceived
        $bytesBefore = $linkOnB.BytesReceived

        'c1', 'c2' | Send-PeerMessage -Node $a
        $null = Receive-PeerMessage -Node $b -Wait -Count 2 -Timeout 10

        $a.MessagesSent | Should -Be ($sentBefore + 2)
        # Counters are bumped right after the hand-over: give them a moment, then check the exact values.
        Wait-Until {
            $b.MessagesDelivered -ge $deliveredBefore + 2 -and
            (Get-Peer -Node $a -Id $b.Id).MessagesSent -ge $linkSentBefore + 2 -and
            (Get-Peer -Node $b -Id $a.Id).MessagesReceived -ge $linkReceivedBefore + 2
        } -TimeoutSec 5 -Because 'the node and link counters count the two messages' | Out-Null
        $b.MessagesDelivered | Should -Be ($deliveredBefore + 2)
        (Get-Peer -Node $a -Id $b.Id).MessagesSent | Should -Be ($linkSentBefore + 2)
        (Get-Peer -Node $b -Id $a.Id).MessagesReceived | Should -Be ($linkReceivedBefore + 2)
        (Get-Peer -Node $b -Id $a.Id).BytesReceived | Should -BeGreaterThan $bytesBefore
        (Get-Peer -Node $a -Id $b.Id).BytesSent | Should -BeGreaterThan 0
    }

    It 'returns at once without -Wait, and each message only once (the inbox drains)' {
        'd1', 'd2' | Send-PeerMessage -Node $a
        Wait-Until { $b.InboxCount -eq 2 } -Because 'both messages reach the inbox of b' | Out-Null

        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $first = @(Receive-PeerMessage -Node $b)
        $watch.Stop()
        $first.Count | Should -Be 2
        $first.Text | Should -Be @('d1', 'd2')
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 1

        $b.InboxCount | Should -Be 0
        $watch.Restart()
        $second = @(Receive-PeerMessage -Node $b)
        $watch.Stop()
        $second.Count | Should -Be 0 -Because 'messages are handed over exactly once'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 1 -Because 'without -Wait an empty inbox returns at once'
    }

    It 'waits with -Wait -Timeout and returns nothing after about the timeout when nothing comes' {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $got = @(Receive-PeerMessage -Node $b -Wait -Timeout 2)
        $watch.Stop()
        $got.Count | Should -Be 0
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 7
    }

    It 'returns exactly -Count messages with -Wait and leaves the rest in the inbox' {
        1..5 | ForEach-Object { "n$_" } | Send-PeerMessage -Node $a
        Wait-Until { $b.InboxCount -eq 5 } -Because 'the five messages reach b' | Out-Null

        $got = @(Receive-PeerMessage -Node $b -Wait -Count 3 -Timeout 10)
        $got.Count | Should -Be 3
        $got.Text | Should -Be @('n1', 'n2', 'n3')
        $b.InboxCount | Should -Be 2
        (Receive-PeerMessage -Node $b).Text | Should -Be @('n4', 'n5')
    }

    It 'streams messages as they arrive with -Wait -Count' {
        # Sent and received back to back: most arrive while Receive-PeerMessage waits.
        1..3 | ForEach-Object { "s$_" } | Send-PeerMessage -Node $a
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $got = @(Receive-PeerMessage -Node $b -Wait -Count 3 -Timeout 10)
        $watch.Stop()
        $got.Count | Should -Be 3
        $got.Text | Should -Be @('s1', 's2', 's3')
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5 -Because '-Count 3 returns as soon as the third message is in'
    }

    It 'returns what came when -Timeout ends before -Count is reached' {
        Send-PeerMessage -Node $a -Text 'lonely'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $got = @(Receive-PeerMessage -Node $b -Wait -Count 3 -Timeout 2)
        $watch.Stop()
        $got.Count | Should -Be 1
        $got[0].Text | Should -Be 'lonely'
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 7
    }

    It 'receives on the default node when -Node is left out' {
        Send-PeerMessage -Node $b -Text 'to the default'
        $got = @(Receive-PeerMessage -Wait -Count 1 -Timeout 10)
        $got.Count | Should -Be 1
        $got[0].ReceivedBy | Should -Be 'chat-a' -Because 'chat-a is the first running node'
    }

    It 'sends and receives 64000 UTF-8 bytes, the limit' {
        $ascii = 'x' * 64000
        Send-PeerMessage -Node $a -Text $ascii
        $got = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        $got.Text.Length | Should -Be 64000
        $got.Text | Should -BeExactly $ascii

        $wide = 'é' * 32000   # 2 bytes each: 64000 bytes
        Send-PeerMessage -Node $a -Text $wide
        (Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10).Text | Should -BeExactly $wide
    }

    It 'refuses text over 64000 UTF-8 bytes with MessageTooLong (InvalidArgument): <Case>' -ForEach @(
        @{ Case = '64001 ASCII characters'; Text = ('x' * 64001) }
        @{ Case = '32001 two-byte characters (64002 bytes)'; Text = ('é' * 32001) }
    ) {
        $sentBefore = $a.MessagesSent
        $err = Get-ErrorRecord { Send-PeerMessage -Node $a -Text $Text -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'MessageTooLong*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $a.MessagesSent | Should -Be $sentBefore
    }

    It 'keeps sending the other piped strings when one is too long' {
        $ev = $null
        'before', ('x' * 64001), 'after' | Send-PeerMessage -Node $a -ErrorAction SilentlyContinue -ErrorVariable ev
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'MessageTooLong*'
        (Receive-PeerMessage -Node $b -Wait -Count 2 -Timeout 10).Text | Should -Be @('before', 'after')
    }
}

Describe 'Inbox bound' {
    AfterAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'keeps the newest -InboxCapacity messages and counts the dropped ones' {
        $a = Start-PeerNode -Name 'inbox-a' -Port 0
        $b = Start-PeerNode -Name 'inbox-b' -Port 0 -InboxCapacity 3
        Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))

        1..5 | ForEach-Object { "i$_" } | Send-PeerMessage -Node $a
        Wait-Until { $b.MessagesDelivered -eq 5 } -Because 'b received all five messages' | Out-Null

        $b.InboxCount | Should -Be 3
        $b.InboxDropped | Should -Be 2
        (Receive-PeerMessage -Node $b).Text | Should -Be @('i3', 'i4', 'i5')
    }

    It 'keeps the newest messages that fit in -InboxBytes: long texts cannot fill memory' {
        $a = Start-PeerNode -Name 'inbox-bytes-a' -Port 0
        $b = Start-PeerNode -Name 'inbox-bytes-b' -Port 0 -InboxBytes 10KB
        Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))

        # Each message holds 2,000 characters: about 4.4 KB on the heap, so two fit in 10 KB.
        1..6 | ForEach-Object { "$_" + ('x' * 1999) } | Send-PeerMessage -Node $a
        Wait-Until { $b.MessagesDelivered -eq 6 } -Because 'b received all six messages' | Out-Null

        $b.InboxCount | Should -Be 2
        $b.InboxDropped | Should -Be 4
        (Receive-PeerMessage -Node $b).Text.Substring(0, 1) | Should -Be @('5', '6')
    }
}

Describe 'Without a node' {
    BeforeAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'Send-PeerMessage reports NoNode (ObjectNotFound) and points to Start-PeerNode' {
        $err = Get-ErrorRecord { Send-PeerMessage -Text 'anyone?' -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'NoNode*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'Start-PeerNode'
    }

    It 'Send-PeerMessage to a stopped node object reports an error' {
        $n = Start-PeerNode -Name 'stopped-sender' -Port 0
        Stop-PeerNode -Node $n -Confirm:$false
        $err = Get-ErrorRecord { Send-PeerMessage -Text 'too late' -Node $n -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $n.MessagesSent | Should -Be 0
    }
}
