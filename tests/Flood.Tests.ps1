#Requires -Version 7.0
# End-to-end tests of flooding over real loopback TCP: six nodes wired as a line, a ring and a full mesh
# (one after the other, in one session). Every node broadcasts once; every node must receive each other
# node's message exactly once and never its own; hop counts, Via and the node counters must add up, and no
# late duplicate may turn up afterwards.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Flooding across six nodes: <Topology>' -ForEach @(
    @{ Topology = 'line'; Edges = @(0..4 | ForEach-Object { , @($_, ($_ + 1)) }) }
    @{ Topology = 'ring'; Edges = @((0..4 | ForEach-Object { , @($_, ($_ + 1)) }) + , @(5, 0)) }
    @{ Topology = 'mesh'; Edges = @(foreach ($i in 0..4) { foreach ($j in ($i + 1)..5) { , @($i, $j) } }) }
) {
    BeforeAll {
        # -TargetPeers 0: no automatic dialling, the topology stays exactly as wired.
        $count = 6
        $nodes = @(0..($count - 1) | ForEach-Object { Start-PeerNode -Name "$Topology-$_" -Port 0 -TargetPeers 0 })
        $neighbours = @{}
        0..($count - 1) | ForEach-Object { $neighbours[$_] = [System.Collections.Generic.List[int]]::new() }
        foreach ($e in $Edges) {
            $neighbours[[int]$e[0]].Add([int]$e[1])
            $neighbours[[int]$e[1]].Add([int]$e[0])
        }
        Connect-TestTopology -Nodes $nodes -Edges $Edges

        $sent = @{}
        for ($i = 0; $i -lt $count; $i++) {
            $sent[$i] = Send-PeerMessage -Node $nodes[$i] -Text "$Topology hello from $i" -PassThru
        }
        $received = @{}
        for ($i = 0; $i -lt $count; $i++) {
            $received[$i] = @(Receive-PeerMessage -Node $nodes[$i] -Wait -Count ($count - 1) -Timeout 15)
        }
        $indexOfId = @{}
        for ($i = 0; $i -lt $count; $i++) { $indexOfId[$nodes[$i].Id] = $i }
    }

    AfterAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'wires every node to exactly its neighbours' {
        for ($i = 0; $i -lt $count; $i++) {
            $ids = @(Get-Peer -Node $nodes[$i] | ForEach-Object Id | Sort-Object)
            $expected = @($neighbours[$i] | ForEach-Object { $nodes[$_].Id } | Sort-Object)
            $ids | Should -Be $expected -Because "node $i links to nodes $($neighbours[$i] -join ',')"
        }
    }

    It 'delivers to every node the message of each other node' {
        for ($i = 0; $i -lt $count; $i++) {
            $from = @($received[$i].From | Sort-Object)
            $expected = @(0..($count - 1) | Where-Object { $_ -ne $i } | ForEach-Object { $nodes[$_].Id } | Sort-Object)
            $from | Should -Be $expected -Because "node $i must hear from the five others (got: $(($received[$i] | ForEach-Object Text) -join ' | '))"
        }
    }

    It 'delivers each message exactly once, with the id and text it was sent with' {
        for ($i = 0; $i -lt $count; $i++) {
            $received[$i].Count | Should -Be ($count - 1) -Because "node $i receives five messages"
            @($received[$i].Id | Sort-Object -Unique).Count | Should -Be ($count - 1) -Because "node $i must not receive a message twice"
            foreach ($m in $received[$i]) {
                $origin = $indexOfId[$m.From]
                $m.Id | Should -Be $sent[$origin].Id
                $m.Text | Should -Be "$Topology hello from $origin"
                $m.FromName | Should -Be "$Topology-$origin"
                $m.ReceivedBy | Should -Be "$Topology-$i"
                $m.Protocol | Should -Be 'PeerChat'
            }
        }
    }

    It 'never delivers a node its own message' {
        for ($i = 0; $i -lt $count; $i++) {
            $received[$i].From | Should -Not -Contain $nodes[$i].Id
        }
    }

    It 'hands each message over from a neighbour, with a hop count that fits the path' {
        for ($i = 0; $i -lt $count; $i++) {
            foreach ($m in $received[$i]) {
                $origin = $indexOfId[$m.From]
                $viaIndex = $indexOfId[$m.Via]
                $neighbours[$i] | Should -Contain $viaIndex -Because "Via of a message on node $i must be one of its neighbours"
                $d = [Math]::Abs($i - $origin)
                switch ($Topology) {
                    'line' {
                        $m.Hops | Should -Be $d -Because "in a line, node $i is $d links from node $origin"
                        $toward = if ($origin -lt $i) { $i - 1 } else { $i + 1 }
                        $viaIndex | Should -Be $toward -Because 'in a line the message comes from the side of its origin'
                    }
                    'ring' {
                        @($d, ($count - $d)) | Should -Contain $m.Hops -Because "in a ring the message took one of the two arcs from node $origin to node $i"
                    }
                    'mesh' {
                        $m.Hops | Should -BeGreaterOrEqual 1
                        $m.Hops | Should -BeLessOrEqual ($count - 1)
                        if ($m.Hops -eq 1) { $viaIndex | Should -Be $origin -Because 'one hop means straight from the origin' }
                    }
                }
            }
        }
    }

    It 'counts sent, delivered and relayed messages on every node' {
        # MessagesDelivered moves right after the hand-over to the inbox.
        Wait-Until { @($nodes | Where-Object { $_.MessagesDelivered -lt $count - 1 }).Count -eq 0 } -TimeoutSec 5 `
            -Because 'every node counts its five deliveries' | Out-Null
        for ($i = 0; $i -lt $count; $i++) {
            $n = $nodes[$i]
            $n.MessagesSent | Should -Be 1
            $n.MessagesDelivered | Should -Be ($count - 1)
            $n.MessagesRelayed | Should -BeLessOrEqual $count -Because 'a node relays each message at most once'
            $n.InvalidFrames | Should -Be 0
            $n.SendDrops | Should -Be 0
            $n.InboxDropped | Should -Be 0
            if ($Topology -eq 'line') {
                $expectedRelays = if ($neighbours[$i].Count -eq 1) { 0 } else { $count - 1 }
                $n.MessagesRelayed | Should -Be $expectedRelays -Because "in a line, node $i relays $expectedRelays messages"
                $n.DuplicatesDropped | Should -Be 0 -Because 'a line has no loop, so no copy arrives twice'
            }
        }
    }

    It 'brings no late duplicate: after one marker from every node, each inbox holds exactly the five markers' {
        for ($i = 0; $i -lt $count; $i++) {
            Send-PeerMessage -Node $nodes[$i] -Text "$Topology marker from $i"
        }
        for ($i = 0; $i -lt $count; $i++) {
            $late = @(Receive-PeerMessage -Node $nodes[$i] -Wait -Count ($count - 1) -Timeout 15)
            $late.Count | Should -Be ($count - 1)
            $late.Text | ForEach-Object { $_ | Should -BeLike "$Topology marker from *" -Because "node $i got '$_' where only markers may come" }
            @($late.From | Sort-Object -Unique).Count | Should -Be ($count - 1)
            $late.From | Should -Not -Contain $nodes[$i].Id
        }
        Wait-Until { @($nodes | Where-Object { $_.MessagesDelivered -lt 2 * ($count - 1) }).Count -eq 0 } -TimeoutSec 5 `
            -Because 'every node counts its ten deliveries' | Out-Null
        for ($i = 0; $i -lt $count; $i++) {
            @(Receive-PeerMessage -Node $nodes[$i]).Count | Should -Be 0 -Because "nothing more may reach node $i"
            $nodes[$i].MessagesDelivered | Should -Be (2 * ($count - 1))
            $nodes[$i].MessagesRelayed | Should -BeLessOrEqual (2 * $count)
        }
    }
}
