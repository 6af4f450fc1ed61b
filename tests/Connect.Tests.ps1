#Requires -Version 7.0
# End-to-end tests of links between nodes over loopback TCP: Connect-Peer (address forms, pipeline, errors,
# deadlines), Get-Peer on both ends, Disconnect-Peer (pipeline, -Id, -WhatIf) and what a stopping node does
# to its neighbours.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Connect-Peer between two nodes' {
    BeforeEach {
        $a = Start-PeerNode -Name 'conn-a' -Port 0 -TargetPeers 0
        $b = Start-PeerNode -Name 'conn-b' -Port 0 -TargetPeers 0
    }

    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'connects to host:port and returns the outbound Peer' {
        $before = [DateTimeOffset]::Now.AddSeconds(-1)
        $peer = Connect-Peer -Address "127.0.0.1:$($b.Port)" -Node $a

        @($peer).Count | Should -Be 1
        $peer | Should -BeOfType 'PSPeerChat.Peer'
        $peer.Id | Should -Be $b.Id
        $peer.Name | Should -Be 'conn-b'
        $peer.Address | Should -Be "127.0.0.1:$($b.Port)"
        $peer.ListenAddress | Should -BeLike "*:$($b.Port)"
        $peer.Direction | Should -Be 'Outbound'
        $peer.Protocol | Should -Be 'PeerChat'
        $peer.State | Should -Be 'Connected'
        $peer.Node | Should -Be 'conn-a'
        $peer.ConnectedAt | Should -BeGreaterOrEqual $before
        $a.PeerCount | Should -Be 1
    }

    It 'shows the link on both ends with Get-Peer' {
        $null = Connect-Peer -Address "127.0.0.1:$($b.Port)" -Node $a

        $onA = @(Get-Peer -Node $a)
        $onA.Count | Should -Be 1
        $onA[0] | Should -BeOfType 'PSPeerChat.Peer'
        $onA[0].Id | Should -Be $b.Id
        $onA[0].Direction | Should -Be 'Outbound'

        $onB = @(Wait-Until { @(Get-Peer -Node $b) } -Because 'node b lists the inbound link from a')
        $onB.Count | Should -Be 1
        $onB[0].Id | Should -Be $a.Id
        $onB[0].Name | Should -Be 'conn-a'
        $onB[0].Direction | Should -Be 'Inbound'
        $onB[0].Protocol | Should -Be 'PeerChat'
        $onB[0].State | Should -Be 'Connected'
        $onB[0].Node | Should -Be 'conn-b'
        $onB[0].ListenAddress | Should -BeLike "*:$($a.Port)" -Because 'a told b its listening port in its INTRO'
        $b.PeerCount | Should -Be 1
    }

    It 'returns only once the other end has registered the link too, so that end can send over it at once' {
        # Each end registers when the other's INTRO arrives; Connect-Peer waits for the acceptor's (protocol.md §3.1).
        foreach ($round in 1..10) {
            $null = Connect-Peer -Address "127.0.0.1:$($b.Port)" -Node $a
            (Get-Peer -Node $b).Id | Should -Contain $a.Id -Because "in round $round the acceptor lists the link as soon as Connect-Peer returns"
            Send-PeerMessage -Node $b -Text "round $round"
            (Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 5).Text | Should -Be "round $round"
            Get-Peer -Node $a | Disconnect-Peer -Confirm:$false
            $null = Wait-Until { $a.PeerCount -eq 0 -and $b.PeerCount -eq 0 } -Because 'the link is gone on both ends before the next round'
        }
    }

    It 'filters Get-Peer by -Id and takes the node by name' {
        $c = Start-PeerNode -Name 'conn-c' -Port 0 -TargetPeers 0
        $null = Connect-Peer -Address "127.0.0.1:$($b.Port)", "127.0.0.1:$($c.Port)" -Node $a

        @(Get-Peer -Node 'conn-a').Count | Should -Be 2
        $only = @(Get-Peer -Node $a -Id $c.Id)
        $only.Count | Should -Be 1
        $only[0].Name | Should -Be 'conn-c'
        @(Get-Peer -Node $a -Id $b.Id, $c.Id).Count | Should -Be 2
    }

    It 'connects to a node piped in (binds its Endpoint)' {
        $peer = $b | Connect-Peer -Node $a
        $peer.Id | Should -Be $b.Id
        $peer.Direction | Should -Be 'Outbound'
        Wait-Until { $b.PeerCount -eq 1 } -Because 'node b registers the link' | Out-Null
    }

    It 'connects to several nodes piped in' {
        $c = Start-PeerNode -Name 'conn-c' -Port 0 -TargetPeers 0
        $peers = @($b, $c | Connect-Peer -Node $a)
        $peers.Count | Should -Be 2
        ($peers.Id | Sort-Object) | Should -Be (@($b.Id, $c.Id) | Sort-Object)
        $a.PeerCount | Should -Be 2
    }

    It 'accepts the address form <Form>' -ForEach @(
        @{ Form = '[::1]:port'; Template = '[::1]:{0}' }
        @{ Form = 'localhost:port'; Template = 'localhost:{0}' }
        @{ Form = '[::]:port (what a node shows)'; Template = '[::]:{0}' }
        @{ Form = '127.0.0.1:port'; Template = '127.0.0.1:{0}' }
    ) {
        $address = $Template -f $b.Port
        $peer = Connect-Peer -Address $address -Node $a
        $peer.Id | Should -Be $b.Id
        $peer.State | Should -Be 'Connected'
        $peer.Address | Should -BeLike "*:$($b.Port)"
        Wait-Until { $b.PeerCount -eq 1 } -Because "node b registers the link dialled as $address" | Out-Null
    }

    It 'keeps one link and returns it when the same pair is connected again, from either side' {
        $first = Connect-Peer -Node $a -Address "127.0.0.1:$($b.Port)"
        Wait-Until { $b.PeerCount -eq 1 } -Because 'node b registers the link' | Out-Null

        $again = Connect-Peer -Node $a -Address "127.0.0.1:$($b.Port)"
        $again.Id | Should -Be $b.Id
        $reverse = Connect-Peer -Node $b -Address "127.0.0.1:$($a.Port)"
        $reverse.Id | Should -Be $a.Id

        Wait-Until { $a.PeerCount -eq 1 -and $b.PeerCount -eq 1 -and @(Get-Peer -Node $a)[0].State -eq 'Connected' } `
            -Because 'the duplicate links are resolved to one' | Out-Null
        Send-PeerMessage -Node $a -Text 'once only'
        (Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10).Text | Should -Be 'once only'
        @(Receive-PeerMessage -Node $b).Count | Should -Be 0
    }

    It 'refuses to connect a node to itself with ConnectFailed' {
        $ev = $null
        $out = Connect-Peer -Node $a -Address "127.0.0.1:$($a.Port)" -ErrorAction SilentlyContinue -ErrorVariable ev
        $out | Should -BeNullOrEmpty
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'ConnectFailed*'
        $ev[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        Wait-Until { $a.PeerCount -eq 0 } -TimeoutSec 5 -Because 'no link to itself stays' | Out-Null
    }

    It 'uses the default node when -Node is left out' {
        $peer = Connect-Peer "127.0.0.1:$($b.Port)"
        $peer.Node | Should -Be 'conn-a'
        $a.PeerCount | Should -Be 1
    }
}

Describe 'Connect-Peer with default node settings' {
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'links two nodes started with the defaults and carries messages both ways' {
        $a = Start-PeerNode -Name 'plain-a' -Port 0
        $b = Start-PeerNode -Name 'plain-b' -Port 0
        $peer = Connect-Peer -Node $a -Address "localhost:$($b.Port)"
        $peer.Id | Should -Be $b.Id
        Wait-Until { @(Get-Peer -Node $b).Count -eq 1 } -Because 'node b lists the link from a' | Out-Null

        Send-PeerMessage -Node $a -Text 'ping from a'
        (Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10).Text | Should -Be 'ping from a'
        Send-PeerMessage -Node $b -Text 'pong from b'
        (Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 10).Text | Should -Be 'pong from b'
        @(Get-Peer -Node $a).Count | Should -Be 1 -Because 'two nodes keep one link between them'
    }
}

Describe 'Connect-Peer failures' {
    BeforeAll {
        $a = Start-PeerNode -Name 'fail-a' -Port 0 -TargetPeers 0
    }

    AfterAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'reports a refused connection quickly as a non-terminating ConnectionError' {
        $port = Get-FreeTcpPort
        $ev = $null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        # A terminating error would escape -ErrorAction SilentlyContinue and fail this test: it must be non-terminating.
        $out = Connect-Peer -Address "127.0.0.1:$port" -Node $a -ErrorAction SilentlyContinue -ErrorVariable ev
        $watch.Stop()

        $out | Should -BeNullOrEmpty
        @($ev).Count | Should -Be 1
        $ev[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'ConnectFailed*'
        $ev[0].Exception.Message | Should -Match ([regex]::Escape("$port"))
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5 -Because 'a refused port answers at once on loopback'
        $a.PeerCount | Should -Be 0
    }

    It 'still connects the good addresses when one of several is refused' {
        $b = Start-PeerNode -Name 'fail-b' -Port 0 -TargetPeers 0
        try {
            $port = Get-FreeTcpPort
            $ev = $null
            $peers = @(Connect-Peer -Address "127.0.0.1:$port", "127.0.0.1:$($b.Port)" -Node $a -ErrorAction SilentlyContinue -ErrorVariable ev)
            $peers.Count | Should -Be 1
            $peers[0].Id | Should -Be $b.Id
            @($ev).Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'ConnectFailed*'
        }
        finally {
            Stop-PeerNode -Node $b -Confirm:$false
            Wait-Until { $a.PeerCount -eq 0 } -Because 'node a drops the link to the stopped node' | Out-Null
        }
    }

    It 'gives up after -TimeoutSec when the other side accepts but never answers the handshake' {
        $silent = New-TextListener   # accepts TCP (backlog) but never speaks PeerChat
        try {
            $port = ([System.Net.IPEndPoint]$silent.LocalEndpoint).Port
            $ev = $null
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $out = Connect-Peer -Address "127.0.0.1:$port" -Node $a -TimeoutSec 2 -ErrorAction SilentlyContinue -ErrorVariable ev
            $watch.Stop()

            $out | Should -BeNullOrEmpty
            @($ev).Count | Should -Be 1
            $ev[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'ConnectFailed*'
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 1.5 -Because 'it waited for the handshake'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 7 -Because '-TimeoutSec 2 bounds the wait'
            $a.PeerCount | Should -Be 0
        }
        finally {
            $silent.Stop()
        }
    }

    It 'rejects the malformed address <Address> with InvalidAddress (InvalidArgument)' -ForEach @(
        @{ Address = 'localhost:notaport' }
        @{ Address = 'localhost:70000' }
        @{ Address = '127.0.0.1:0' }
        @{ Address = '::1:5555' }
        @{ Address = '[::1]5555' }
        @{ Address = 'hostwithoutport' }
    ) {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $err = Get-ErrorRecord { Connect-Peer -Address $Address -Node $a -ErrorAction Stop }
        $watch.Stop()

        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidAddress*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $a.PeerCount | Should -Be 0
    }
}

Describe 'Disconnect-Peer' {
    BeforeEach {
        $a = Start-PeerNode -Name 'disc-a' -Port 0 -TargetPeers 0
        $b = Start-PeerNode -Name 'disc-b' -Port 0 -TargetPeers 0
        $c = Start-PeerNode -Name 'disc-c' -Port 0 -TargetPeers 0
        Connect-TestTopology -Nodes $a, $b, $c -Edges @(@(0, 1), @(0, 2))
    }

    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'closes the links piped from Get-Peer on both ends' {
        $peers = @(Get-Peer -Node $a)
        $peers.Count | Should -Be 2
        $peers | Disconnect-Peer -Confirm:$false

        $peers | ForEach-Object { $_.State | Should -Be 'Closed' }
        Wait-Until { @(Get-Peer -Node $a).Count -eq 0 } -Because 'node a lists no link after Disconnect-Peer' | Out-Null
        Wait-Until { @(Get-Peer -Node $b).Count -eq 0 -and @(Get-Peer -Node $c).Count -eq 0 } `
            -Because 'the remote nodes see the link close' | Out-Null
        $a.PeerCount | Should -Be 0
    }

    It 'closes only the link given by -Id' {
        Disconnect-Peer -Node $a -Id $b.Id -Confirm:$false

        Wait-Until { @(Get-Peer -Node $b).Count -eq 0 } -Because 'node b sees its link to a close' | Out-Null
        $left = @(Get-Peer -Node $a)
        $left.Count | Should -Be 1
        $left[0].Id | Should -Be $c.Id
        @(Get-Peer -Node $c).Count | Should -Be 1
    }

    It 'closes a link from the inbound side too' {
        Get-Peer -Node $b | Disconnect-Peer -Confirm:$false
        Wait-Until { @(Get-Peer -Node $a -Id $b.Id -ErrorAction SilentlyContinue).Count -eq 0 } -Because 'node a sees b close the link' | Out-Null
        @(Get-Peer -Node $a).Id | Should -Be @($c.Id)
    }

    It 'leaves the link up with -WhatIf (messages still flow)' {
        Get-Peer -Node $a | Disconnect-Peer -WhatIf
        Disconnect-Peer -Node $a -Id $b.Id -WhatIf

        @(Get-Peer -Node $a).Count | Should -Be 2
        (Get-Peer -Node $a -Id $b.Id).State | Should -Be 'Connected'
        Send-PeerMessage -Node $a -Text 'still linked'
        $got = @(Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10)
        $got.Count | Should -Be 1
        $got[0].Text | Should -Be 'still linked'
    }

    It 'lets a disconnected pair connect again' {
        Disconnect-Peer -Node $a -Id $b.Id -Confirm:$false
        Wait-Until { $b.PeerCount -eq 0 -and $a.PeerCount -eq 1 } -Because 'the link a-b is gone on both ends' | Out-Null

        $peer = Connect-Peer -Node $a -Address "127.0.0.1:$($b.Port)"
        $peer.Id | Should -Be $b.Id
        Wait-Until { $b.PeerCount -eq 1 } -Because 'node b registers the new link' | Out-Null
    }
}

Describe 'Stopping a linked node' {
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'removes the link from its neighbours' {
        $a = Start-PeerNode -Name 'stop-link-a' -Port 0 -TargetPeers 0
        $b = Start-PeerNode -Name 'stop-link-b' -Port 0 -TargetPeers 0
        Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))
        $peerOnA = Get-Peer -Node $a -Id $b.Id

        Stop-PeerNode -Node $b -Confirm:$false

        $b.State | Should -Be 'Stopped'
        Wait-Until { @(Get-Peer -Node $a).Count -eq 0 } -Because 'node a drops the link to the stopped node b' | Out-Null
        $peerOnA.State | Should -Be 'Closed'
        $a.State | Should -Be 'Running'
    }
}
