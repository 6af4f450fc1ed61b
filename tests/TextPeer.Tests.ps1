#Requires -Version 7.0
# End-to-end tests of plain text peers (the article's line protocol): a raw TcpClient connected to a node,
# and Connect-Peer -Protocol Text to a plain TcpListener of the test. Lines go in as messages with
# Protocol Text; broadcasts come out as "FromName: text" lines.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false

    function Wait-TextPeer {
        # A silent inbound connection is taken for a text peer after 1.5 s; a talking one at once.
        param($Node, $Connection)
        Wait-Until { @(Get-Peer -Node $Node | Where-Object { $_.Protocol -eq 'Text' -and $_.Id -eq $Connection.LocalAddress }) } `
            -TimeoutSec 10 -Because "node $($Node.Name) lists $($Connection.LocalAddress) as a text peer"
    }
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'A raw TCP client is a text peer' {
    BeforeAll {
        $a = Start-PeerNode -Name 'text-a' -Port 0
        $b = Start-PeerNode -Name 'text-b' -Port 0
        Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))
    }

    AfterAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    BeforeEach {
        $clients = [System.Collections.Generic.List[object]]::new()
    }

    AfterEach {
        $clients | Close-TextConnection
        # Each test consumes what it causes; drop what is left so the next test starts clean.
        $null = Receive-PeerMessage -Node $a
        $null = Receive-PeerMessage -Node $b
        Wait-Until { @(Get-Peer -Node $a | Where-Object Protocol -eq 'Text').Count -eq 0 } -TimeoutSec 10 `
            -Because 'node text-a forgets the text clients that left' | Out-Null
    }

    It 'shows the text peer as unencrypted and the PeerChat link as encrypted with the Noise handshake' {
        $c = New-TextClient -Port $a.Port; $clients.Add($c)
        Send-TextLine $c 'who am I linked to'
        $text = Wait-TextPeer -Node $a -Connection $c
        $text.Encrypted | Should -BeFalse
        $text.Handshake | Should -Be 'none'

        $toB = Get-Peer -Node $a | Where-Object Protocol -eq 'PeerChat'
        $toB.Name | Should -Be 'text-b'
        $toB.Encrypted | Should -BeTrue
        $toB.Handshake | Should -Be 'Noise_XX_25519_ChaChaPoly_SHA256'
        $null = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        ((Get-Peer -Node $a | Out-String) -split "`n" | Where-Object { $_ -match 'text-b' }) | Should -Match 'True'
    }

    It 'delivers a line written by the client as a Text message and floods it to the neighbours' {
        $c = New-TextClient -Port $a.Port; $clients.Add($c)
        Send-TextLine $c 'hello from a text peer'

        $onA = @(Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 10)
        $onA.Count | Should -Be 1
        $onA[0].Text | Should -Be 'hello from a text peer'
        $onA[0].Protocol | Should -Be 'Text'
        $onA[0].From | Should -Be $c.LocalAddress
        $onA[0].Via | Should -Be $c.LocalAddress
        $onA[0].ReceivedBy | Should -Be 'text-a'

        $onB = @(Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10)
        $onB.Count | Should -Be 1
        $onB[0].Text | Should -Be 'hello from a text peer'
        $onB[0].Protocol | Should -Be 'Text'
        $onB[0].From | Should -Be $c.LocalAddress
        $onB[0].Id | Should -Be $onA[0].Id -Because 'it is one message, flooded'
        $onB[0].Via | Should -Be $a.Id
        $onB[0].ReceivedBy | Should -Be 'text-b'
    }

    It 'lists the client in Get-Peer as an inbound Text peer identified by its address' {
        $c = New-TextClient -Port $a.Port; $clients.Add($c)
        Send-TextLine $c 'counted line'
        $null = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10

        $p = @(Wait-TextPeer -Node $a -Connection $c)
        $p.Count | Should -Be 1
        $p[0].Id | Should -Be $c.LocalAddress
        $p[0].Address | Should -Be $c.LocalAddress
        $p[0].Direction | Should -Be 'Inbound'
        $p[0].Protocol | Should -Be 'Text'
        $p[0].State | Should -Be 'Connected'
        $p[0].Node | Should -Be 'text-a'
        Wait-Until { (Get-Peer -Node $a -Id $c.LocalAddress).MessagesReceived -ge 1 } -TimeoutSec 5 `
            -Because 'the text peer link counts the line it received' | Out-Null
        (Get-Peer -Node $a -Id $c.LocalAddress).BytesReceived | Should -BeGreaterOrEqual ('counted line'.Length + 1)
        $null = Receive-PeerMessage -Node $a
    }

    It 'gives the client every broadcast as one line "FromName: text"' {
        $c = New-TextClient -Port $a.Port; $clients.Add($c)
        $null = Wait-TextPeer -Node $a -Connection $c

        Send-PeerMessage -Node $a -Text 'from the node itself'
        Read-TextLine $c -Because 'the broadcast of text-a reaches the client' | Should -BeExactly 'text-a: from the node itself'

        Send-PeerMessage -Node $b -Text 'from the neighbour'
        Read-TextLine $c -Because 'the broadcast of text-b is flooded to the client' | Should -BeExactly 'text-b: from the neighbour'

        Send-PeerMessage -Node $b -Text "two`nlines"
        Read-TextLine $c -Because 'a multi-line message arrives as one line' | Should -BeExactly 'text-b: two lines'

        Send-PeerMessage -Node $b -Text 'ünïcödé ✓'
        Read-TextLine $c -Because 'UTF-8 text survives' | Should -BeExactly 'text-b: ünïcödé ✓'

        $null = Receive-PeerMessage -Node $a -Wait -Count 3 -Timeout 10
    }

    It 'does not echo the client''s own line back to it' {
        $c = New-TextClient -Port $a.Port; $clients.Add($c)
        Send-TextLine $c 'my own line'
        $null = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        $null = Wait-TextPeer -Node $a -Connection $c

        Send-PeerMessage -Node $b -Text 'next one'
        Read-TextLine $c -Because 'the next line the client reads' | Should -BeExactly 'text-b: next one'
        $null = Receive-PeerMessage -Node $a -Wait -Count 2 -Timeout 10
    }

    It 'lets two text clients of one node talk to each other' {
        $c1 = New-TextClient -Port $a.Port; $clients.Add($c1)
        $c2 = New-TextClient -Port $a.Port; $clients.Add($c2)
        $null = Wait-TextPeer -Node $a -Connection $c2

        Send-TextLine $c1 'hi c2'
        Read-TextLine $c2 -Because 'the line of client 1 reaches client 2' | Should -BeExactly "$($c1.LocalAddress): hi c2"
        $null = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
    }

    It 'accepts CRLF line endings and several lines in one write' {
        $c = New-TextClient -Port $a.Port; $clients.Add($c)
        Send-TextLine $c "first`r`nsecond`r`nthird`n" -Raw

        $got = @(Receive-PeerMessage -Node $b -Wait -Count 3 -Timeout 10)
        $got.Text | Should -Be @('first', 'second', 'third')
        $got | ForEach-Object { $_.From | Should -Be $c.LocalAddress }
    }

    It 'drops a line over 64000 UTF-8 bytes, counts it as invalid and keeps the link' {
        $c = New-TextClient -Port $a.Port; $clients.Add($c)
        $invalidBefore = $a.InvalidFrames
        Send-TextLine $c ('x' * 64001)
        Send-TextLine $c 'short line after'

        $got = @(Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10)
        $got.Count | Should -Be 1
        $got[0].Text | Should -Be 'short line after' -Because 'the over-long line is not delivered, the next one is'
        $a.InvalidFrames | Should -Be ($invalidBefore + 1)
        @(Get-Peer -Node $a -Id $c.LocalAddress).Count | Should -Be 1 -Because 'the link stays open'
    }

    It 'drops the text peer from Get-Peer when the client leaves' {
        $c = New-TextClient -Port $a.Port
        Send-TextLine $c 'bye'
        $null = Wait-TextPeer -Node $a -Connection $c
        $null = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10

        $c | Close-TextConnection
        Wait-Until { @(Get-Peer -Node $a -Id $c.LocalAddress -ErrorAction SilentlyContinue).Count -eq 0 } -TimeoutSec 10 `
            -Because 'node text-a notices the text client left' | Out-Null
        $a.State | Should -Be 'Running'
        @(Get-Peer -Node $a -Id $b.Id).Count | Should -Be 1 -Because 'the PeerChat link is not affected'
    }
}

Describe 'Connect-Peer -Protocol Text to a plain TCP listener' {
    BeforeAll {
        $a = Start-PeerNode -Name 'dial-a' -Port 0
        $b = Start-PeerNode -Name 'dial-b' -Port 0
        Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))
        $listener = New-TextListener
        $port = ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
        $peer = Connect-Peer -Node $a -Address "127.0.0.1:$port" -Protocol Text
        $server = Receive-TextConnection -Listener $listener
    }

    AfterAll {
        $server | Close-TextConnection
        if ($listener) { $listener.Stop() }
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    It 'returns an outbound Text peer identified by the address it dialled' {
        $peer | Should -BeOfType 'PSPeerChat.Peer'
        $peer.Protocol | Should -Be 'Text'
        $peer.Direction | Should -Be 'Outbound'
        $peer.Id | Should -Be "127.0.0.1:$port"
        $peer.Address | Should -Be "127.0.0.1:$port"
        $peer.State | Should -Be 'Connected'
        $peer.Node | Should -Be 'dial-a'
        @(Get-Peer -Node $a -Id "127.0.0.1:$port").Count | Should -Be 1
        $a.PeerCount | Should -Be 2
    }

    It 'sends nothing but lines: the listener reads each broadcast as "FromName: text"' {
        Send-PeerMessage -Node $a -Text 'hello listener'
        Read-TextLine $server -Because 'the broadcast of dial-a reaches the listener' | Should -BeExactly 'dial-a: hello listener'

        Send-PeerMessage -Node $b -Text 'relayed to the listener'
        Read-TextLine $server -Because 'the broadcast of dial-b is flooded through dial-a' | Should -BeExactly 'dial-b: relayed to the listener'
        (Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 10).Text | Should -Be 'relayed to the listener'
        (Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10).Text | Should -Be 'hello listener'
    }

    It 'delivers the lines the listener writes, on the node and its neighbours' {
        Send-TextLine $server 'reply from the listener'

        $onA = @(Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 10)
        $onA.Count | Should -Be 1
        $onA[0].Text | Should -Be 'reply from the listener'
        $onA[0].Protocol | Should -Be 'Text'
        $onA[0].From | Should -Be "127.0.0.1:$port"

        $onB = @(Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10)
        $onB.Count | Should -Be 1
        $onB[0].Text | Should -Be 'reply from the listener'
        $onB[0].Protocol | Should -Be 'Text'
        $onB[0].From | Should -Be "127.0.0.1:$port"
        $onB[0].Id | Should -Be $onA[0].Id
    }

    It 'closes the socket when the text peer is disconnected' {
        Disconnect-Peer -Node $a -Id "127.0.0.1:$port" -Confirm:$false
        # End of stream (FIN) or a reset both mean the node closed the socket; a timeout is a failure.
        $ended = $false
        try {
            $ended = $null -eq (Read-TextLine $server -Because 'the listener sees the end of the stream')
        }
        catch [System.Management.Automation.MethodInvocationException] {
            $ended = $_.Exception.InnerException -is [System.IO.IOException]
        }
        $ended | Should -BeTrue -Because 'Disconnect-Peer closes the text peer''s socket'
        Wait-Until { $a.PeerCount -eq 1 } -Because 'only the PeerChat link to dial-b is left' | Out-Null
    }
}
