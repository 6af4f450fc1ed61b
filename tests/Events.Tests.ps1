#Requires -Version 7.0
# .NET events of a node through PowerShell's eventing (Register-ObjectEvent, Wait-Event), and the promise that
# a slow or failing handler never stalls the network. Also the pipeline scenarios users script.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
    Get-EventSubscriber | Unregister-Event
}

Describe 'Node events' {
    BeforeEach {
        $a = Start-PeerNode -Name 'ev-a' -Port 0 -TargetPeers 0
        $b = Start-PeerNode -Name 'ev-b' -Port 0 -TargetPeers 0
    }
    AfterEach {
        Get-EventSubscriber | Unregister-Event
        Get-Event | Remove-Event
        $a, $b | Stop-PeerNode -Confirm:$false
    }

    It 'raises PeerConnected, MessageReceived and PeerDisconnected for Register-ObjectEvent and Wait-Event' {
        $null = Register-ObjectEvent -InputObject $b -EventName PeerConnected -SourceIdentifier 'ev.connected'
        $null = Register-ObjectEvent -InputObject $b -EventName MessageReceived -SourceIdentifier 'ev.message'
        $null = Register-ObjectEvent -InputObject $b -EventName PeerDisconnected -SourceIdentifier 'ev.disconnected'

        $null = Connect-Peer -Node $a -Address $b.Endpoint -ErrorAction Stop
        $connected = Wait-Event -SourceIdentifier 'ev.connected' -Timeout 10
        $connected | Should -Not -BeNullOrEmpty
        $connected.SourceEventArgs.Peer.Id | Should -Be $a.Id

        Send-PeerMessage -Node $a -Text 'event me'
        $message = Wait-Event -SourceIdentifier 'ev.message' -Timeout 10
        $message.SourceEventArgs.Message.Text | Should -Be 'event me'
        $message.SourceEventArgs.Message.FromName | Should -Be 'ev-a'
        # The event is extra: the message is still in the inbox, handed over once.
        (Receive-PeerMessage -Node $b).Text | Should -Be 'event me'

        Get-Peer -Node $a | Disconnect-Peer -Confirm:$false
        $gone = Wait-Event -SourceIdentifier 'ev.disconnected' -Timeout 10
        $gone.SourceEventArgs.Peer.CloseReason | Should -Be 'UserRequest'
    }

    It 'runs an -Action for every message' {
        $global:PSPeerChatEventCount = 0
        $null = Register-ObjectEvent -InputObject $b -EventName MessageReceived -SourceIdentifier 'ev.action' -Action { $global:PSPeerChatEventCount++ }
        $null = Connect-Peer -Node $a -Address $b.Endpoint -ErrorAction Stop
        1..20 | ForEach-Object { "action $_" } | Send-PeerMessage -Node $a
        $null = Wait-Until { $global:PSPeerChatEventCount -eq 20 } -TimeoutSec 10 -Because 'the action ran once per message'
        $b.EventsDropped | Should -Be 0
    }

    It 'keeps the network going when a handler throws' {
        # A script block attached directly to a .NET event runs on the node's event thread, where PowerShell has no
        # runspace: it fails every time. The node must shrug that off.
        $b.add_MessageReceived([EventHandler[PSPeerChat.PeerMessageEventArgs]] { throw 'handler failure' })
        $null = Register-ObjectEvent -InputObject $b -EventName MessageReceived -SourceIdentifier 'ev.after-failure'
        $null = Connect-Peer -Node $a -Address $b.Endpoint -ErrorAction Stop
        1..5 | ForEach-Object { "survives $_" } | Send-PeerMessage -Node $a
        @(Receive-PeerMessage -Node $b -Wait -Count 5 -Timeout 10).Count | Should -Be 5
        $null = Wait-Until { @(Get-Event -SourceIdentifier 'ev.after-failure' -ErrorAction SilentlyContinue).Count -eq 5 } -TimeoutSec 10 -Because 'the other subscriber still gets every event'
        $b.State | Should -Be 'Running'
        $b.PeerCount | Should -Be 1
    }

    It 'keeps the network going when a handler is slow' {
        Add-Type -TypeDefinition @'
public static class PSPeerChatSlowHandler
{
    public static int Calls;
    public static void Attach(PSPeerChat.PeerNode node)
    {
        node.MessageReceived += (sender, e) => { System.Threading.Interlocked.Increment(ref Calls); System.Threading.Thread.Sleep(3000); };
    }
}
'@ -ReferencedAssemblies ([PSPeerChat.PeerNode].Assembly.Location), 'netstandard', 'System.Runtime', 'System.Threading', 'System.Threading.Thread'
        [PSPeerChatSlowHandler]::Attach($b)
        $null = Connect-Peer -Node $a -Address $b.Endpoint -ErrorAction Stop
        $watch = [Diagnostics.Stopwatch]::StartNew()
        1..50 | ForEach-Object { "slow $_" } | Send-PeerMessage -Node $a
        @(Receive-PeerMessage -Node $b -Wait -Count 50 -Timeout 10).Count | Should -Be 50
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3 -Because 'messages do not wait for a handler that sleeps 3 s per event'
        [PSPeerChatSlowHandler]::Calls | Should -BeLessOrEqual 1 -Because 'the handler was still busy with the first event'
        Send-PeerMessage -Node $b -Text 'b still sends'
        (Receive-PeerMessage -Node $a -Wait -Count 1 -Timeout 5).Text | Should -Be 'b still sends'
    }
}

Describe 'Pipeline scenarios' {
    BeforeAll {
        $p = Start-PeerNode -Name 'pipe-p' -Port 0 -TargetPeers 0
        $q = Start-PeerNode -Name 'pipe-q' -Port 0 -TargetPeers 0
        $null = Connect-Peer -Node $p -Address $q.Endpoint -ErrorAction Stop
    }
    AfterAll {
        $p, $q | Stop-PeerNode -Confirm:$false
    }

    It 'answers !ping with pong from a Receive-PeerMessage -Wait pipeline' {
        Send-PeerMessage -Node $p -Text 'chatter'
        Send-PeerMessage -Node $p -Text '!ping please'
        Send-PeerMessage -Node $p -Text 'more chatter'
        Receive-PeerMessage -Node $q -Wait -Count 3 -Timeout 10 |
            Where-Object Text -match '^!ping' |
            ForEach-Object { Send-PeerMessage -Node $q -Text "pong to $($_.FromName)" }
        $answers = @(Receive-PeerMessage -Node $p -Wait -Count 1 -Timeout 10)
        $answers.Text | Should -Be 'pong to pipe-p'
    }

    It 'exports received messages with Export-Csv' {
        'one', 'two, with a comma', 'three "quoted"' | Send-PeerMessage -Node $p
        $null = Wait-Until { $q.InboxCount -eq 3 } -TimeoutSec 10 -Because 'three messages arrived'
        $csv = Join-Path $TestDrive 'messages.csv'
        Receive-PeerMessage -Node $q | Export-Csv -Path $csv -NoTypeInformation
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 3
        $rows.Text | Should -Be @('one', 'two, with a comma', 'three "quoted"')
        $rows[0].FromName | Should -Be 'pipe-p'
        $rows[0].From | Should -Be $p.Id
    }

    It 'stops nodes piped from Get-PeerNode and closes links piped from Get-Peer' {
        $x = Start-PeerNode -Name 'pipe-x' -Port 0 -TargetPeers 0
        $y = Start-PeerNode -Name 'pipe-y' -Port 0 -TargetPeers 0
        $null = Connect-Peer -Node $x -Address $y.Endpoint -ErrorAction Stop
        Get-Peer -Node $x | Disconnect-Peer -Confirm:$false
        $null = Wait-Until { $y.PeerCount -eq 0 } -TimeoutSec 5 -Because 'the link closed on both sides'
        Get-PeerNode 'pipe-x', 'pipe-y' | Stop-PeerNode -Confirm:$false
        $x.State | Should -Be 'Stopped'
        $y.State | Should -Be 'Stopped'
        Get-PeerNode 'pipe-*' | Should -HaveCount 2 -Because 'pipe-p and pipe-q still run'
    }
}
