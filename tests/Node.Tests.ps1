#Requires -Version 7.0
# End-to-end tests of node lifetime: Start-PeerNode, Get-PeerNode, Stop-PeerNode, the session default node,
# port choice (-Port 0, busy explicit port, default port fall-forward) and release of sockets.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Start-PeerNode' {
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'starts a running node on an OS-chosen port with -Port 0 and describes it' {
        $before = [DateTimeOffset]::Now.AddSeconds(-1)
        $node = Start-PeerNode -Port 0

        $node | Should -BeOfType 'PSPeerChat.PeerNode'
        $node.Port | Should -BeGreaterThan 0
        $node.Port | Should -BeLessOrEqual 65535
        $node.Endpoint | Should -Be "[::]:$($node.Port)"
        $node.State | Should -Be 'Running'
        $node.Id | Should -Match '^[0-9a-fA-F]{32}$'
        $node.ShortId | Should -Be $node.Id.Substring(0, 8)
        $node.Name | Should -BeLike "*-$($node.Port)" -Because 'the default name is user-port'
        $node.StartedAt | Should -BeGreaterOrEqual $before
        $node.StartedAt | Should -BeLessOrEqual ([DateTimeOffset]::Now.AddSeconds(1))
        $node.PeerCount | Should -Be 0
        $node.MessagesSent | Should -Be 0
        $node.MessagesDelivered | Should -Be 0
        $node.MessagesRelayed | Should -Be 0
        $node.DuplicatesDropped | Should -Be 0
        $node.InvalidFrames | Should -Be 0
        $node.InboxDropped | Should -Be 0
        $node.SendDrops | Should -Be 0
        $node.InboxCount | Should -Be 0
        $node.InboxCapacity | Should -Be 10000
    }

    It 'really listens on the port it reports, over IPv4 and IPv6 loopback' {
        $node = Start-PeerNode -Port 0
        foreach ($ip in [System.Net.IPAddress]::Loopback, [System.Net.IPAddress]::IPv6Loopback) {
            $client = [System.Net.Sockets.TcpClient]::new($ip.AddressFamily)
            try {
                $connect = $client.ConnectAsync($ip, $node.Port)
                Wait-Until { $connect.IsCompleted } -TimeoutSec 5 -Because "a TCP connection to $ip port $($node.Port) completes" | Out-Null
                $connect.IsFaulted | Should -BeFalse -Because "the node listens dual-stack on $($node.Endpoint)"
                $client.Connected | Should -BeTrue
            }
            finally {
                $client.Dispose()
            }
        }
    }

    It 'gives distinct ports and ids to several nodes started with -Port 0' {
        $nodes = 1..3 | ForEach-Object { Start-PeerNode -Port 0 }
        @($nodes.Port | Sort-Object -Unique).Count | Should -Be 3
        @($nodes.Id | Sort-Object -Unique).Count | Should -Be 3
        @($nodes.Name | Sort-Object -Unique).Count | Should -Be 3
    }

    It 'takes -Name and -InboxCapacity' {
        $node = Start-PeerNode -Name 'node-named' -Port 0 -InboxCapacity 7
        $node.Name | Should -Be 'node-named'
        $node.InboxCapacity | Should -Be 7
    }

    It 'holds at most -MaxTextPeers text peers, apart from its PeerChat links' {
        $node = Start-PeerNode -Name 'node-text-slots' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -MaxTextPeers 1
        $first = New-TextClient -Port $node.Port
        $second = New-TextClient -Port $node.Port
        try {
            Send-TextLine -Connection $first -Text 'first'
            Wait-Until { @(Get-Peer -Node $node | Where-Object Protocol -eq 'Text').Count -eq 1 } -Because 'the first text peer is linked' | Out-Null
            Send-TextLine -Connection $second -Text 'second'
            Wait-Until { $node.MessagesDelivered -ge 1 } -Because 'the first line arrived' | Out-Null
            # The second is refused (CLOSE Full, which a text peer cannot read): the node closes its socket.
            Wait-Until { try { $second.Stream.Read([byte[]]::new(64), 0, 64) -eq 0 } catch { $true } } -TimeoutSec 10 -Because 'the second text peer was closed' | Out-Null
            @(Get-Peer -Node $node | Where-Object Protocol -eq 'Text').Count | Should -Be 1
            $other = Start-PeerNode -Name 'node-text-slots-peer' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
            (Connect-Peer -Node $other -Address "127.0.0.1:$($node.Port)").State | Should -Be 'Connected'
        }
        finally {
            $first, $second | Close-TextConnection
        }
    }

    It 'listens only where -ListenAddress says: 127.0.0.1 shows in Endpoint' {
        $node = Start-PeerNode -Port 0 -ListenAddress '127.0.0.1'
        $node.Endpoint | Should -Be "127.0.0.1:$($node.Port)"
        $node.State | Should -Be 'Running'
    }

    It 'refuses a duplicate -Name in the session with NodeNameInUse and keeps the first node' {
        $first = Start-PeerNode -Name 'dup-name' -Port 0
        $err = Get-ErrorRecord { Start-PeerNode -Name 'dup-name' -Port 0 -ErrorAction Stop }

        $err | Should -Not -BeNullOrEmpty -Because 'a second node with the same name must be refused'
        $err.FullyQualifiedErrorId | Should -BeLike 'NodeNameInUse*'
        @(Get-PeerNode).Count | Should -Be 1
        (Get-PeerNode -Name 'dup-name').Id | Should -Be $first.Id
        $first.State | Should -Be 'Running'
    }

    It 'refuses an explicit -Port held by another node with PortInUse (ResourceUnavailable)' {
        $first = Start-PeerNode -Name 'busy-first' -Port 0
        $err = Get-ErrorRecord { Start-PeerNode -Name 'busy-second' -Port $first.Port -ErrorAction Stop }

        $err | Should -Not -BeNullOrEmpty -Because "port $($first.Port) is taken and -Port was explicit (no fall-forward)"
        $err.FullyQualifiedErrorId | Should -BeLike 'PortInUse*'
        $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $err.Exception.Message | Should -Match ([regex]::Escape([string]$first.Port))
        @(Get-PeerNode | ForEach-Object Name) | Should -Be @('busy-first')
    }

    It 'refuses an explicit -Port held by another program with PortInUse' {
        $holder = [System.Net.Sockets.TcpListener]::Create(0)
        $holder.Start()
        try {
            $port = ([System.Net.IPEndPoint]$holder.LocalEndpoint).Port
            $err = Get-ErrorRecord { Start-PeerNode -Name 'busy-other' -Port $port -ErrorAction Stop }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -BeLike 'PortInUse*'
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            @(Get-PeerNode).Count | Should -Be 0
        }
        finally {
            $holder.Stop()
        }
    }

    It 'rejects a port out of range' {
        $err = Get-ErrorRecord { Start-PeerNode -Port 70000 -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        @(Get-PeerNode).Count | Should -Be 0
    }

    It 'rejects a name longer than 64 UTF-8 bytes' {
        $err = Get-ErrorRecord { Start-PeerNode -Name ('n' * 65) -Port 0 -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        @(Get-PeerNode).Count | Should -Be 0
    }
}

Describe 'Waiting for links (first messages)' {
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'Start-PeerNode -Wait returns once linked, so the first broadcast reaches the network' {
        $a = Start-PeerNode -Name 'wait-a' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $b = Start-PeerNode -Name 'wait-b' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -Bootstrap "127.0.0.1:$($a.Port)" -Wait -TimeoutSec 10
        $b.PeerCount | Should -Be 1
        Send-PeerMessage -Node $b -Text 'first words' -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -BeNullOrEmpty
        (Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 10).Text | Should -Be 'first words'
    }

    It 'Wait-PeerNode outputs the node once it has the links asked for, from the pipeline' {
        $a = Start-PeerNode -Name 'wait-c' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $b = Start-PeerNode -Name 'wait-d' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -Bootstrap "127.0.0.1:$($a.Port)"
        $out = @($a, $b | Wait-PeerNode -TimeoutSec 10)
        $out.Name | Should -Be @('wait-c', 'wait-d')
        $a.PeerCount | Should -Be 1
    }

    It 'Wait-PeerNode on a node nobody links writes PeerNodeWaitTimeout and outputs nothing; Start-PeerNode -Wait still outputs the node' {
        $lonely = Start-PeerNode -Name 'wait-e' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $out = Wait-PeerNode -Node $lonely -TimeoutSec 1 -ErrorVariable failed -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'PeerNodeWaitTimeout*'
        $failed[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failed[0].Exception.Message | Should -BeLike '*has 0 of 1 link(s) after 1 s*Connect-Peer*'

        $started = Start-PeerNode -Name 'wait-f' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -Wait -TimeoutSec 1 -ErrorVariable failed2 -ErrorAction SilentlyContinue
        $started.Name | Should -Be 'wait-f'
        $started.State | Should -Be 'Running'
        $failed2[0].FullyQualifiedErrorId | Should -BeLike 'PeerNodeWaitTimeout*'
    }

    It 'Send-PeerMessage on a node without links warns that nobody received the message' {
        $alone = Start-PeerNode -Name 'wait-g' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        Send-PeerMessage -Node $alone -Text 'anyone?' -WarningVariable warned -WarningAction SilentlyContinue
        $warned[0].Message | Should -BeLike '*no peers: nobody receives this*'
    }
}

Describe 'Default port 55555' {
    # The only tests that touch 55555; they tolerate whatever else (another test run, a chat node) holds it.
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'falls forward to the next free port when 55555 is taken' {
        $holder = [System.Net.Sockets.TcpListener]::Create(55555)
        $held = $false
        try {
            try {
                $holder.Start()
                $held = $true
            }
            catch [System.Net.Sockets.SocketException] {
                # Something else already has 55555: it is taken either way.
            }

            $node = Start-PeerNode -Name 'fall-forward'
            $node.Port | Should -BeGreaterOrEqual 55556 -Because '55555 is taken, so the node walks forward'
            $node.Port | Should -BeLessOrEqual 55654 -Because 'the fall-forward range is 100 ports'
            $node.Endpoint | Should -Be "[::]:$($node.Port)"

            $second = Start-PeerNode -Name 'fall-forward-2'
            $second.Port | Should -Not -Be $node.Port
            $second.Port | Should -BeGreaterOrEqual 55556
            $second.Port | Should -BeLessOrEqual 55654
        }
        finally {
            if ($held) { $holder.Stop() }
        }
    }

    It 'takes 55555 when it is free (and only falls forward when it is not)' {
        $node = Start-PeerNode -Name 'default-port'
        $node.Port | Should -BeGreaterOrEqual 55555
        $node.Port | Should -BeLessOrEqual 55654
        if ($node.Port -ne 55555) {
            Test-TcpPortBindable -Port 55555 | Should -BeFalse -Because "the node took $($node.Port) instead of 55555, which is only right if 55555 is busy"
        }
    }
}

Describe 'Get-PeerNode' {
    BeforeAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
        $script:alpha1 = Start-PeerNode -Name 'alpha-1' -Port 0
        $script:alpha2 = Start-PeerNode -Name 'alpha-2' -Port 0
        $script:beta = Start-PeerNode -Name 'beta' -Port 0
    }

    AfterAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'lists every running node of the session' {
        $all = @(Get-PeerNode)
        $all.Count | Should -Be 3
        $all | ForEach-Object { $_ | Should -BeOfType 'PSPeerChat.PeerNode' }
        ($all.Name | Sort-Object) | Should -Be @('alpha-1', 'alpha-2', 'beta')
    }

    It 'returns the same live objects Start-PeerNode returned' {
        (Get-PeerNode -Name 'beta').Id | Should -Be $script:beta.Id
        (Get-PeerNode -Name 'beta').Port | Should -Be $script:beta.Port
    }

    It 'filters by name with wildcards' {
        $found = @(Get-PeerNode -Name 'alpha*')
        $found.Count | Should -Be 2
        ($found.Name | Sort-Object) | Should -Be @('alpha-1', 'alpha-2')
        @(Get-PeerNode 'b?ta' | ForEach-Object Name) | Should -Be @('beta')
    }

    It 'takes several names' {
        ((Get-PeerNode -Name 'beta', 'alpha-1').Name | Sort-Object) | Should -Be @('alpha-1', 'beta')
    }

    It 'returns nothing for a wildcard that matches no node' {
        @(Get-PeerNode -Name 'gamma*' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }
}

Describe 'Default node' {
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'uses the first running node when -Node is left out, then the next one once it stops' {
        $a = Start-PeerNode -Name 'default-a' -Port 0
        $b = Start-PeerNode -Name 'default-b' -Port 0

        $sent = Send-PeerMessage -Text 'who sends me?' -PassThru -WarningAction SilentlyContinue
        $sent.From | Should -Be $a.Id
        $sent.FromName | Should -Be 'default-a'

        Stop-PeerNode -Node $a -Confirm:$false
        $sent = Send-PeerMessage -Text 'and now?' -PassThru -WarningAction SilentlyContinue
        $sent.From | Should -Be $b.Id
    }

    It 'accepts a node name for -Node' {
        $null = Start-PeerNode -Name 'by-name-a' -Port 0
        $b = Start-PeerNode -Name 'by-name-b' -Port 0
        (Send-PeerMessage -Text 'via name' -Node 'by-name-b' -PassThru -WarningAction SilentlyContinue).From | Should -Be $b.Id
    }

    It 'reports an error for a -Node name that is not running' {
        $null = Start-PeerNode -Name 'only-node' -Port 0
        $err = Get-ErrorRecord { Send-PeerMessage -Text 'lost' -Node 'no-such-node' -ErrorAction Stop -WarningAction SilentlyContinue }
        $err | Should -Not -BeNullOrEmpty
        (Get-PeerNode -Name 'only-node').MessagesSent | Should -Be 0 -Because 'the message must not go out from the default node instead'
    }

    It 'Stop-PeerNode without -Node stops the default node only' {
        $a = Start-PeerNode -Name 'stop-default-a' -Port 0
        $b = Start-PeerNode -Name 'stop-default-b' -Port 0
        Stop-PeerNode -Confirm:$false
        $a.State | Should -Be 'Stopped'
        $b.State | Should -Be 'Running'
        @(Get-PeerNode | ForEach-Object Name) | Should -Be @('stop-default-b')
    }
}

Describe 'Stop-PeerNode' {
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'stops every node piped from Get-PeerNode, frees the ports and unlists them' {
        $nodes = 1..3 | ForEach-Object { Start-PeerNode -Name "pipe-stop-$_" -Port 0 }
        Get-PeerNode | Stop-PeerNode -Confirm:$false

        $nodes | ForEach-Object { $_.State | Should -Be 'Stopped' }
        @(Get-PeerNode).Count | Should -Be 0
        foreach ($n in $nodes) {
            Test-TcpPortBindable -Port $n.Port | Should -BeTrue -Because "node $($n.Name) stopped and must have released port $($n.Port)"
        }
    }

    It 'stops a node given by name' {
        $n = Start-PeerNode -Name 'stop-by-name' -Port 0
        Stop-PeerNode -Node 'stop-by-name' -Confirm:$false
        $n.State | Should -Be 'Stopped'
        @(Get-PeerNode -Name 'stop-by-name' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'refuses connections once stopped' {
        $n = Start-PeerNode -Name 'stop-refuse' -Port 0
        $port = $n.Port
        Stop-PeerNode -Node $n -Confirm:$false
        $client = [System.Net.Sockets.TcpClient]::new([System.Net.Sockets.AddressFamily]::InterNetwork)
        try {
            $connect = $client.ConnectAsync([System.Net.IPAddress]::Loopback, $port)
            Wait-Until { $connect.IsCompleted } -TimeoutSec 5 -Because 'a connection attempt to the stopped node ends' | Out-Null
            $connect.IsFaulted | Should -BeTrue -Because "nothing may listen on $port after Stop-PeerNode"
        }
        finally {
            $client.Dispose()
        }
    }

    It 'leaves the node running with -WhatIf' {
        $n = Start-PeerNode -Name 'what-if' -Port 0
        Stop-PeerNode -Node $n -WhatIf
        $n.State | Should -Be 'Running'
        @(Get-PeerNode -Name 'what-if').Count | Should -Be 1
        Test-TcpPortBindable -Port $n.Port | Should -BeFalse -Because 'the node still holds its port'
        Get-PeerNode | Stop-PeerNode -WhatIf
        $n.State | Should -Be 'Running'
    }
}

Describe 'Resource release' {
    AfterEach {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'starts and stops 50 nodes and every port can be bound again' {
        $nodes = 1..50 | ForEach-Object { Start-PeerNode -Name "leak-$_" -Port 0 }
        @(Get-PeerNode).Count | Should -Be 50
        @($nodes.Port | Sort-Object -Unique).Count | Should -Be 50

        $nodes | Stop-PeerNode -Confirm:$false
        @(Get-PeerNode).Count | Should -Be 0

        $notStopped = @($nodes | Where-Object { $_.State -ne 'Stopped' })
        $notStopped.Count | Should -Be 0 -Because 'every node was stopped'
        $stillHeld = @($nodes | Where-Object { -not (Test-TcpPortBindable -Port $_.Port) } | ForEach-Object Port)
        $stillHeld | Should -BeNullOrEmpty -Because 'a stopped node must release its listening socket'
    }

    It 'closes every socket of linked nodes when they stop (open file descriptors return to the baseline)' {
        if ($null -eq (Get-OpenFileDescriptorCount)) {
            Set-ItResult -Skipped -Because 'counting open file descriptors needs /proc'
            return
        }
        # Warm up the socket machinery (epoll threads, ...) so the baseline is stable.
        $warm = 1..2 | ForEach-Object { Start-PeerNode -Name "warm-$_" -Port 0 -TargetPeers 0 }
        Connect-TestTopology -Nodes $warm -Edges @(, @(0, 1))
        $warm | Stop-PeerNode -Confirm:$false
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $baseline = Get-OpenFileDescriptorCount

        $nodes = 1..10 | ForEach-Object { Start-PeerNode -Name "fd-$_" -Port 0 -TargetPeers 0 }
        $edges = 0..8 | ForEach-Object { , @($_, ($_ + 1)) }
        Connect-TestTopology -Nodes $nodes -Edges $edges
        $during = Get-OpenFileDescriptorCount
        $during | Should -BeGreaterOrEqual ($baseline + 28) -Because '10 listeners and 2 x 9 link sockets are open'

        $nodes | Stop-PeerNode -Confirm:$false
        try {
            Wait-Until { (Get-OpenFileDescriptorCount) -le $baseline + 4 } -TimeoutSec 10 `
                -Because 'the open file descriptors fall back to the baseline after stopping' | Out-Null
        }
        catch {
            $null = $_ # reported by the assertion below, with the numbers
        }
        Get-OpenFileDescriptorCount | Should -BeLessOrEqual ($baseline + 4) `
            -Because "stopped nodes must close their listeners and link sockets (baseline $baseline, $during while linked)"
    }
}
