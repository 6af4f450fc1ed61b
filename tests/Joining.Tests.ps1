#Requires -Version 7.0
# Automatic joining and self-healing over real loopback TCP: nodes join through one address, keep
# TargetPeers links, refuse politely at MaxPeers, never link twice or to themselves, drop dead links
# through keepalive, and repair the network when nodes die.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false

    # Node ids reachable from the first node by following links (Get-Peer), restricted to the given nodes.
    function Get-ReachableIds([object[]] $Nodes) {
        $byId = @{}
        foreach ($n in $Nodes) { $byId[$n.Id] = $n }
        $seen = [System.Collections.Generic.HashSet[string]]::new()
        $queue = [System.Collections.Generic.Queue[string]]::new()
        $null = $seen.Add($Nodes[0].Id)
        $queue.Enqueue($Nodes[0].Id)
        while ($queue.Count -gt 0) {
            $node = $byId[$queue.Dequeue()]
            foreach ($p in (Get-Peer -Node $node)) {
                if ($byId.ContainsKey($p.Id) -and $seen.Add($p.Id)) { $queue.Enqueue($p.Id) }
            }
        }
        return , $seen
    }

    # Every node broadcasts once; returns what each node received (waiting up to $TimeoutSec for all of it).
    function Invoke-BroadcastRound([object[]] $Nodes, [string] $Tag, [int] $TimeoutSec = 10) {
        foreach ($n in $Nodes) { Send-PeerMessage -Node $n -Text "$Tag from $($n.Name)" }
        $received = @{}
        foreach ($n in $Nodes) {
            $received[$n.Id] = @(Receive-PeerMessage -Node $n -Wait -Count ($Nodes.Count - 1) -Timeout $TimeoutSec | Where-Object Text -like "$Tag from *")
        }
        return $received
    }
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Thirty nodes joining through node 0' {
    BeforeAll {
        $n0 = Start-PeerNode -Name 'join-0' -Port 0 -ListenAddress 127.0.0.1
        $nodes = @($n0) + @(1..29 | ForEach-Object { Start-PeerNode -Name "join-$_" -Port 0 -ListenAddress 127.0.0.1 -Bootstrap $n0.Endpoint })
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Wait-Until { ($nodes | ForEach-Object PeerCount | Measure-Object -Minimum).Minimum -ge 5 } -TimeoutSec 10 -Because 'every node has at least 5 links'
        Write-Host ("    joined in {0} ms; degrees: {1}" -f $watch.ElapsedMilliseconds, (($nodes | ForEach-Object PeerCount) -join ','))
    }
    AfterAll {
        $nodes | Stop-PeerNode -Confirm:$false
    }

    It 'gives every node at least min(5, 29) links within 10 s and keeps node 0 under its ceiling' {
        foreach ($n in $nodes) { $n.PeerCount | Should -BeGreaterOrEqual 5 -Because "$($n.Name) should reach its target" }
        $n0.PeerCount | Should -BeLessOrEqual $n0.MaxPeers
        $n0.MaxPeers | Should -Be 32
    }

    It 'forms one connected network' {
        (Get-ReachableIds $nodes).Count | Should -Be 30
    }

    It 'delivers a broadcast from every node to all 30 exactly once' {
        $before = @{}; foreach ($n in $nodes) { $before[$n.Id] = $n.MessagesDelivered }
        $received = Invoke-BroadcastRound $nodes 'join-round'
        $maxHops = 0
        foreach ($n in $nodes) {
            $got = $received[$n.Id]
            $got.Count | Should -Be 29 -Because "$($n.Name) should hear the 29 others"
            @($got.From | Sort-Object -Unique).Count | Should -Be 29
            $got.From | Should -Not -Contain $n.Id
            $maxHops = [Math]::Max($maxHops, ($got | Measure-Object Hops -Maximum).Maximum)
        }
        # Exactly once: the delivered counters moved by 29, not more (duplicates were dropped, not delivered).
        Send-PeerMessage -Node $n0 -Text 'join-marker'
        foreach ($n in $nodes | Select-Object -Skip 1) {
            @(Receive-PeerMessage -Node $n -Wait -Count 1 -Timeout 10).Text | Should -Be 'join-marker'
            $n.MessagesDelivered - $before[$n.Id] | Should -Be 30
        }
        $hist = $nodes | Group-Object PeerCount | Sort-Object { [int]$_.Name } | ForEach-Object { "$($_.Name):$($_.Count)" }
        Write-Host "    degree distribution (links:nodes) $($hist -join ' '); largest hop count $maxHops"
    }

    It 'repairs itself within 15 s after 9 nodes die without a goodbye' {
        $victims = $nodes[1..9]
        $survivors = @($n0) + $nodes[10..29]
        $victimIds = $victims.Id
        foreach ($v in $victims) { $v.Abort() }   # sockets reset, no CLOSE, no more loops
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $state = { 'degrees ' + (($survivors | ForEach-Object PeerCount) -join ',') + '; holding dead links: ' + (@($survivors | Where-Object { @(Get-Peer -Node $_ | Where-Object Id -in $victimIds).Count -gt 0 } | ForEach-Object Name) -join ',') }
        # Whole again: no survivor holds a link to a dead node, and the 21 survivors are one network.
        try {
            $null = Wait-Until {
                foreach ($s in $survivors) { if (@(Get-Peer -Node $s | Where-Object Id -in $victimIds).Count -gt 0) { return $false } }
                (Get-ReachableIds $survivors).Count -eq 21
            } -TimeoutSec 15 -Because 'the 21 survivors are one network again, with no link to a dead node'
        }
        catch { throw "$($_.Exception.Message) ($(& $state))" }
        $whole = $watch.ElapsedMilliseconds
        # Back at their target too: a node refused Full by the hubs waits out a backoff before it dials them again
        # (noted in the closing notes of issue #15), so under a busy test suite this may take one backoff longer.
        try {
            $null = Wait-Until { ($survivors | ForEach-Object PeerCount | Measure-Object -Minimum).Minimum -ge 5 } -TimeoutSec 30 -Because 'every survivor is back at its target of 5 links'
        }
        catch { throw "$($_.Exception.Message) ($(& $state))" }
        Write-Host ("    whole again in {0} ms, every survivor at its target in {1} ms" -f $whole, $watch.ElapsedMilliseconds)
        Write-Host ("    degrees: {0}" -f (($survivors | ForEach-Object PeerCount) -join ','))

        $received = Invoke-BroadcastRound $survivors 'after-kill'
        foreach ($s in $survivors) { $received[$s.Id].Count | Should -Be 20 -Because "$($s.Name) should hear the 20 other survivors" }
    }
}

Describe 'Joining through an address that is not up yet' {
    It 'retries with backoff and joins once the entry node starts' {
        $port = Get-FreeTcpPort
        $joiner = Start-PeerNode -Name 'late-joiner' -Port 0 -ListenAddress 127.0.0.1 -Bootstrap "127.0.0.1:$port"
        try {
            $entry = Wait-Until { Get-PeerAddress -Node $joiner | Where-Object { $_.Address -eq "127.0.0.1:$port" -and $_.Failures -ge 2 } } -TimeoutSec 10 -Because 'the joiner failed at least twice'
            $entry.Source | Should -Be 'Bootstrap'
            $joiner.PeerCount | Should -Be 0

            $late = Start-PeerNode -Name 'late-entry' -Port $port -ListenAddress 127.0.0.1
            $null = Wait-Until { $joiner.PeerCount -ge 1 } -TimeoutSec 15 -Because 'the joiner dials the entry again once it is up'
            (Get-Peer -Node $joiner).Id | Should -Contain $late.Id
            (Get-PeerAddress -Node $joiner | Where-Object Address -eq "127.0.0.1:$port").Failures | Should -Be 0
        }
        finally {
            Get-PeerNode 'late-*' | Stop-PeerNode -Confirm:$false
        }
    }
}

Describe 'Two networks bridged by one Connect-Peer' {
    It 'merges them: messages sent after the bridge reach every node of both' {
        $a0 = Start-PeerNode -Name 'netA-0' -Port 0 -ListenAddress 127.0.0.1
        $b0 = Start-PeerNode -Name 'netB-0' -Port 0 -ListenAddress 127.0.0.1
        $a = @($a0) + @(1..4 | ForEach-Object { Start-PeerNode -Name "netA-$_" -Port 0 -ListenAddress 127.0.0.1 -Bootstrap $a0.Endpoint })
        $b = @($b0) + @(1..4 | ForEach-Object { Start-PeerNode -Name "netB-$_" -Port 0 -ListenAddress 127.0.0.1 -Bootstrap $b0.Endpoint })
        try {
            $null = Wait-Until { (Get-ReachableIds $a).Count -eq 5 -and (Get-ReachableIds $b).Count -eq 5 -and @($a + $b | Where-Object PeerCount -lt 4).Count -eq 0 } -TimeoutSec 10 -Because 'both networks are formed'
            (Get-ReachableIds ($a + $b)).Count | Should -Be 5 -Because 'the networks are separate before the bridge'

            $null = Connect-Peer -Node $a[3] -Address $b[2].Endpoint -ErrorAction Stop
            $all = $a + $b
            $null = Wait-Until { (Get-ReachableIds $all).Count -eq 10 } -TimeoutSec 10 -Because 'the bridge joins the two networks'

            $received = Invoke-BroadcastRound $all 'bridged'
            foreach ($n in $all) { $received[$n.Id].Count | Should -Be 9 -Because "$($n.Name) should hear the 9 others" }
        }
        finally {
            Get-PeerNode 'net*' | Stop-PeerNode -Confirm:$false
        }
    }
}

Describe 'Link rules' {
    AfterEach {
        Get-PeerNode 'rule-*' | Stop-PeerNode -Confirm:$false
    }

    It 'keeps one link when two nodes dial each other at the same moment' {
        $x = Start-PeerNode -Name 'rule-x' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $y = Start-PeerNode -Name 'rule-y' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        foreach ($round in 1..5) {
            $t1 = $x.ConnectAsync($y.Endpoint)
            $t2 = $y.ConnectAsync($x.Endpoint)
            $null = Wait-Until { $t1.IsCompleted -and $t2.IsCompleted } -TimeoutSec 10 -Because 'both dials finished'
            $null = Wait-Until { $x.PeerCount -eq 1 -and $y.PeerCount -eq 1 -and (Get-Peer -Node $x).State -eq 'Connected' } -TimeoutSec 5 -Because 'one link survives on both sides'
            $px = Get-Peer -Node $x; $py = Get-Peer -Node $y
            $px.Id | Should -Be $y.Id
            $py.Id | Should -Be $x.Id
            $px.Direction | Should -Not -Be $py.Direction -Because 'both sides keep the same link'
            Send-PeerMessage -Node $x -Text "still linked $round"
            (Receive-PeerMessage -Node $y -Wait -Count 1 -Timeout 5).Text | Should -Be "still linked $round"
            Get-Peer -Node $x | Disconnect-Peer -Confirm:$false
            $null = Wait-Until { $x.PeerCount -eq 0 -and $y.PeerCount -eq 0 } -TimeoutSec 5 -Because 'the link is gone before the next round'
        }
    }

    It 'never links a node to itself, even through its own address' {
        $port = Get-FreeTcpPort
        $self = Start-PeerNode -Name 'rule-self' -Port $port -ListenAddress 127.0.0.1 -Bootstrap "127.0.0.1:$port"
        $err = Get-ErrorRecord { Connect-Peer -Node $self -Address "localhost:$port" -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectFailed*'
        $err.Exception.Message | Should -Match 'back to this node'
        $self.PeerCount | Should -Be 0
        # The bootstrap entry that loops back is dropped from the book rather than retried for ever.
        $null = Wait-Until { @(Get-PeerAddress -Node $self).Count -eq 0 } -TimeoutSec 5 -Because 'the looping address is marked as this node'
        $self.PeerCount | Should -Be 0
    }

    It 'refuses a joiner politely at MaxPeers and hands it other addresses, which it joins' {
        $full = Start-PeerNode -Name 'rule-full' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -MaxPeers 2
        $m1 = Start-PeerNode -Name 'rule-m1' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $m2 = Start-PeerNode -Name 'rule-m2' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $null = Connect-Peer -Node $m1 -Address $full.Endpoint -ErrorAction Stop
        $null = Connect-Peer -Node $m2 -Address $full.Endpoint -ErrorAction Stop
        # Connect-Peer returns once the dialler registered the link; the acceptor registers a moment later.
        $null = Wait-Until { $full.PeerCount -eq 2 } -TimeoutSec 5 -Because 'the full node holds its two links'

        $err = Get-ErrorRecord { Connect-Peer -Node (Start-PeerNode -Name 'rule-manual' -Port 0 -TargetPeers 0) -Address $full.Endpoint -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.Message | Should -Match 'no room'

        $joiner = Start-PeerNode -Name 'rule-joiner' -Port 0 -ListenAddress 127.0.0.1 -Bootstrap $full.Endpoint -TargetPeers 2
        # Under the full suite a dial can fail once and wait out its backoff: the deadline allows for one retry.
        try {
            $null = Wait-Until { $joiner.PeerCount -ge 2 } -TimeoutSec 30 -Because 'the joiner reaches the addresses the full node handed over'
        }
        catch {
            # It failed twice under the full suite (never alone): say what the joiner knew and had, for whoever looks next.
            $book = (Get-PeerAddress -Node $joiner | ForEach-Object { "$($_.Address) $($_.Source) failures=$($_.Failures) next=$($_.NextAttempt)" }) -join '; '
            throw "$($_.Exception.Message) (joiner peers: $((Get-Peer -Node $joiner | ForEach-Object Name) -join ',')); m1 $($m1.Endpoint), m2 $($m2.Endpoint); book: $book)"
        }
        (Get-Peer -Node $joiner).Id | Should -Not -Contain $full.Id
        (Get-Peer -Node $joiner).Id | Should -Contain $m1.Id
        (Get-Peer -Node $joiner).Id | Should -Contain $m2.Id
        $full.PeerCount | Should -Be 2
    }
}

Describe 'Keepalive' {
    AfterEach {
        Get-PeerNode 'alive-*' | Stop-PeerNode -Confirm:$false
    }

    It 'measures the round-trip time of a link' {
        $p = Start-PeerNode -Name 'alive-p' -Port 0 -TargetPeers 0
        $q = Start-PeerNode -Name 'alive-q' -Port 0 -TargetPeers 0
        $null = Connect-Peer -Node $p -Address $q.Endpoint -ErrorAction Stop
        $peer = Wait-Until { Get-Peer -Node $p | Where-Object LatencyMs -ge 0 } -TimeoutSec 10 -Because 'a PONG came back'
        $peer.LatencyMs | Should -BeLessThan 1000
    }
    # The dead-link case (a neighbour that completed the handshake and then went silent) needs a raw PeerChat
    # peer that signs its handshake: it is tested in xunit (KeepaliveTests).
}

Describe 'A link a user closed' {
    It 'is not dialled again automatically by either side' {
        $u = Start-PeerNode -Name 'user-u' -Port 0 -ListenAddress 127.0.0.1
        $v = Start-PeerNode -Name 'user-v' -Port 0 -ListenAddress 127.0.0.1
        try {
            $null = Connect-Peer -Node $u -Address $v.Endpoint -ErrorAction Stop
            $null = Wait-Until { $v.PeerCount -eq 1 } -TimeoutSec 5 -Because 'the link is up on both sides'
            Get-Peer -Node $u | Disconnect-Peer -Confirm:$false
            $null = Wait-Until { $u.PeerCount -eq 0 -and $v.PeerCount -eq 0 } -TimeoutSec 5 -Because 'the link is closed on both sides'
            # Both nodes are below their target and know each other's address: for three maintenance ticks
            # neither may undo the user's decision.
            $watch = [Diagnostics.Stopwatch]::StartNew()
            while ($watch.Elapsed.TotalSeconds -lt 3.5) {
                $u.PeerCount + $v.PeerCount | Should -Be 0 -Because 'a disconnected link stays down'
                Start-Sleep -Milliseconds 100
            }
            (Get-PeerAddress -Node $u | Where-Object NodeId -eq $v.Id).NextAttempt | Should -BeGreaterThan ([DateTimeOffset]::Now.AddMinutes(4))
            # The user can still link them again by hand.
            $null = Connect-Peer -Node $v -Address $u.Endpoint -ErrorAction Stop
            $null = Wait-Until { $u.PeerCount -eq 1 } -TimeoutSec 5 -Because 'a link made by hand is accepted'
        }
        finally {
            $u, $v | Stop-PeerNode -Confirm:$false
        }
    }
}
