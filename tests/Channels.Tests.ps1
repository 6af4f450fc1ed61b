#Requires -Version 7.0
# Channels and private channels (protocol.md §3.12) through the cmdlets: three nodes of this session in a line,
# each showing other channels; every node relays every channel, each shows only its own. Then Enter-PeerChat's
# /join, /part and /channels, driven through redirected input in a child session.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
    $Passphrase = ConvertTo-SecureString 'plum orbit candle seventy' -AsPlainText -Force
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Channels between three nodes' {
    BeforeAll {
        # ops-only and dev-only at the ends, a node that shows every channel in the middle, relaying for both.
        $a = Start-PeerNode -Name 'chan-a' -Port 0 -TargetPeers 0 -Channel '#ops'
        $m = Start-PeerNode -Name 'chan-m' -Port 0 -TargetPeers 0
        $b = Start-PeerNode -Name 'chan-b' -Port 0 -TargetPeers 0 -Channel dev
        Connect-TestTopology -Nodes $a, $m, $b -Edges @(@(0, 1), @(2, 1))

        function Wait-Seen([object[]] $Nodes, [int] $Count) {
            # Every node has decided on every message: delivered, or not shown and counted.
            Wait-Until -TimeoutSec 15 -Because "the nodes decided on $Count messages" {
                ($Nodes | ForEach-Object { $_.MessagesDelivered + $_.ChannelFiltered + $_.SealedNotDelivered + $_.SealedOpenFailed } | Measure-Object -Sum).Sum -ge $Count
            } | Out-Null
        }
        function Get-Counts { $script:counts = @($a, $m, $b | ForEach-Object { $_.MessagesDelivered + $_.ChannelFiltered + $_.SealedNotDelivered + $_.SealedOpenFailed }) }
    }

    AfterEach {
        $null = Receive-PeerMessage -Node $a
        $null = Receive-PeerMessage -Node $m
        $null = Receive-PeerMessage -Node $b
    }

    It 'keeps the conversations of #ops and #dev apart while the lobby reaches everyone' {
        $seen = ($a, $m, $b | ForEach-Object { $_.MessagesDelivered + $_.ChannelFiltered } | Measure-Object -Sum).Sum
        Send-PeerMessage -Node $a -Channel ops -Text 'deploy at five'
        Send-PeerMessage -Node $b -Channel '#dev' -Text 'build is green'
        Send-PeerMessage -Node $m -Text 'hello everyone'
        Wait-Seen -Nodes $a, $m, $b -Count ($seen + 6)

        $gotA = @(Receive-PeerMessage -Node $a)
        $gotM = @(Receive-PeerMessage -Node $m)
        $gotB = @(Receive-PeerMessage -Node $b)
        $gotA.Text | Sort-Object | Should -Be @('hello everyone')
        $gotB.Text | Sort-Object | Should -Be @('hello everyone')
        $gotM.Text | Sort-Object | Should -Be @('build is green', 'deploy at five')
        ($gotM | Where-Object Text -eq 'deploy at five').Channel | Should -Be 'ops'
        ($gotM | Where-Object Text -eq 'build is green').Channel | Should -Be 'dev'
        $gotA[0].Channel | Should -Be ''
        $a.ChannelFiltered | Should -Be 1 -Because 'a relayed #dev without showing it'
        $b.ChannelFiltered | Should -Be 1 -Because 'b relayed #ops without showing it'
        $m.MessagesRelayed | Should -Be 2 -Because 'the middle node relayed #ops and #dev, which it does not show either end of, to the other end'
    }

    It 'Receive-PeerMessage -Channel takes only the matching channels and leaves the others for later' {
        $seen = ($a, $m, $b | ForEach-Object { $_.MessagesDelivered + $_.ChannelFiltered } | Measure-Object -Sum).Sum
        Send-PeerMessage -Node $a -Channel ops -Text 'one'
        Send-PeerMessage -Node $b -Channel dev -Text 'two'
        Send-PeerMessage -Node $a -Channel ops -Text 'three'
        Send-PeerMessage -Node $b -Text 'four'
        Wait-Seen -Nodes $a, $m, $b -Count ($seen + 8)

        $ops = @(Receive-PeerMessage -Node $m -Channel 'o*')
        $ops.Text | Should -Be @('one', 'three')
        @(Receive-PeerMessage -Node $m -Channel 'o*').Count | Should -Be 0
        $lobby = @(Receive-PeerMessage -Node $m -Channel '')
        $lobby.Text | Should -Be @('four')
        $m.InboxCount | Should -Be 1 -Because '#dev is still waiting'
        (Receive-PeerMessage -Node $m -Channel 'DEV', 'x*' -Wait -Count 1 -Timeout 5).Text | Should -Be 'two'
    }

    It 'Join-PeerChannel, Get-PeerChannel and Exit-PeerChannel change what a node shows' {
        $joined = Join-PeerChannel -Node $b -Name '#ops'
        $joined | Should -BeOfType 'PSPeerChat.PeerChannel'
        $joined.Name | Should -Be 'ops'
        $joined.Private | Should -BeFalse
        (Get-PeerChannel -Node $b).Name | Should -Be @('dev', 'ops')
        (Get-PeerChannel -Node $b -Name 'o*').Name | Should -Be 'ops'
        @(Get-PeerChannel -Node $m).Count | Should -Be 0 -Because 'a node started with the default * joined no channel by name'

        Send-PeerMessage -Node $a -Channel ops -Text 'now b hears ops'
        $got = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        $got.Text | Should -Be 'now b hears ops'
        $got.Channel | Should -Be 'ops'
        "$got" | Should -Be '#ops chan-a: now b hears ops'
        ($got | Format-Table | Out-String) | Should -Match '#ops'

        Exit-PeerChannel -Node $b -Name OPS
        (Get-PeerChannel -Node $b).Name | Should -Be @('dev')
        $err = Get-ErrorRecord { Exit-PeerChannel -Node $b -Name ops -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ChannelNotJoined,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a private channel is read by members only; the node in the middle relays it without reading it' {
        $sealedBefore = $m.SealedNotDelivered
        Join-PeerChannel -Node $a -Name board -Passphrase $Passphrase | Select-Object -ExpandProperty Private | Should -BeTrue
        Join-PeerChannel -Node $b -Name Board -Passphrase $Passphrase | Out-Null

        $sent = Send-PeerMessage -Node $a -Channel board -Text 'quarterly numbers' -PassThru
        $sent.Private | Should -BeTrue
        $got = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        $got.Text | Should -Be 'quarterly numbers'
        $got.Private | Should -BeTrue
        $got.Verified | Should -BeTrue
        Wait-Until -TimeoutSec 10 -Because 'the middle node counted the sealed message it could not read' { $m.SealedNotDelivered -eq $sealedBefore + 1 } | Out-Null
        @(Receive-PeerMessage -Node $m -Channel board).Count | Should -Be 0
        (Get-PeerNode chan-m | Format-List | Out-String) | Should -Match 'sealed not delivered'
    }

    It 'a plain text peer posts into the lobby and is sent lobby messages only' {
        $text = New-TextClient -Port $m.Port
        try {
            Wait-Until -TimeoutSec 10 -Because 'the text peer is linked' { @(Get-Peer -Node $m | Where-Object Protocol -eq 'Text').Count -eq 1 } | Out-Null
            Send-PeerMessage -Node $a -Channel ops -Text 'not for text peers'
            Send-PeerMessage -Node $a -Text 'for everyone'
            Read-TextLine -Connection $text -Because 'the lobby message reaches the text peer' | Should -Be 'chan-a: for everyone' -Because 'the #ops message, sent first, never reached it'

            Send-TextLine -Connection $text -Text 'typed in nc'
            $got = Receive-PeerMessage -Node $a -Channel '' -Wait -Count 1 -Timeout 10
            $got.Text | Should -Be 'typed in nc'
            $got.Channel | Should -Be ''
            $got.Protocol | Should -Be 'Text'
        }
        finally {
            Close-TextConnection -Connection $text
        }
    }

    It 'refuses invalid channel names with InvalidChannelName' {
        foreach ($call in @(
                { Join-PeerChannel -Node $a -Name 'two words' -ErrorAction Stop },
                { Join-PeerChannel -Node $a -Name 'o*' -ErrorAction Stop },
                { Exit-PeerChannel -Node $a -Name ('x' * 33) -ErrorAction Stop },
                { Send-PeerMessage -Node $a -Channel "bell`a" -Text 'x' -ErrorAction Stop },
                { Start-PeerNode -Name 'chan-bad' -Port 0 -Channel 'ok', 'not ok' -ErrorAction Stop })) {
            $err = Get-ErrorRecord $call
            $err | Should -Not -BeNullOrEmpty -Because "$call must fail"
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidChannelName,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        Get-PeerNode -Name 'chan-bad' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reads -Channel patterns as Start-PeerNode -Channel does, and refuses a broken one with InvalidChannelPattern' {
        Send-PeerMessage -Node $a -Channel ops -Text 'for the set'
        $got = Receive-PeerMessage -Node $m -Channel '#[n-p]ps' -Wait -Count 1 -Timeout 10
        $got.Text | Should -Be 'for the set'
        foreach ($call in @(
                { Receive-PeerMessage -Node $m -Channel 'ops[' -ErrorAction Stop },
                { Get-PeerChannel -Node $b -Name 'd[]ev' -ErrorAction Stop },
                { Receive-PeerMessage -Node $m -Channel 'two words' -ErrorAction Stop })) {
            $err = Get-ErrorRecord $call
            $err | Should -Not -BeNullOrEmpty -Because "$call must fail"
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidChannelPattern,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -Match 'Patterns use'
        }
    }
}

Describe 'Enter-PeerChat channel commands (redirected input)' {
    BeforeAll {
        $watcher = Start-PeerNode -Name 'chan-watch' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        Join-PeerChannel -Node $watcher -Name board -Passphrase $Passphrase | Out-Null
        $repoRoot = Split-Path -Parent $PSScriptRoot
        $modulePath = (Resolve-Path -LiteralPath $env:PSPEERCHAT_MODULE).ProviderPath
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$modulePath'; " +
            "`$n = Start-PeerNode -Name chan-console -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0; " +
            "`$null = Connect-Peer -Node `$n -Address '127.0.0.1:$($watcher.Port)'; " +
            "[Console]::Out.WriteLine('ready'); [Console]::Out.Flush(); Enter-PeerChat -Node `$n"
        $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($arg in 'pwsh', '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($arg) }
        $info.WorkingDirectory = $repoRoot
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.RedirectStandardInput = $true
        $info.UseShellExecute = $false
        $Console = @{ Child = [Diagnostics.Process]::Start($info); Pending = $null; Lines = [System.Collections.Generic.List[string]]::new() }

        function Wait-Printed([string] $Like, [int] $TimeoutSec = 30) {
            Wait-Until -TimeoutSec $TimeoutSec -Because "the console printed '$Like' (it printed: $($Console.Lines -join ' | '))" {
                while ($true) {
                    if ($null -eq $Console.Pending) { $Console.Pending = $Console.Child.StandardOutput.ReadLineAsync() }
                    if (-not $Console.Pending.IsCompleted) { break }
                    $line = $Console.Pending.Result
                    $Console.Pending = $null
                    if ($null -eq $line) { break }
                    $Console.Lines.Add($line)
                }
                @($Console.Lines | Where-Object { $_ -like $Like }).Count -gt 0
            } | Out-Null
        }
        function Send-Line([string] $Line) { $Console.Child.StandardInput.WriteLine($Line); $Console.Child.StandardInput.Flush() }
    }

    AfterAll {
        if ($Console.Child -and -not $Console.Child.HasExited) { $Console.Child.Kill($true) }
        Stop-PeerNode -Node $watcher -Confirm:$false
    }

    It '/join, plain lines, /channels and /part move the console between channels, and a passphrase is never printed' {
        Wait-Printed 'ready' -TimeoutSec 90
        Wait-Until -TimeoutSec 15 -Because 'the console node is linked' { $watcher.PeerCount -eq 1 } | Out-Null

        Send-Line '/join #ops'
        Wait-Printed '*** Joined #ops (public*'
        Send-Line 'hello ops'
        $got = Receive-PeerMessage -Node $watcher -Wait -Count 1 -Timeout 15
        $got.Text | Should -Be 'hello ops'
        $got.Channel | Should -Be 'ops'
        Wait-Printed '*#ops chan-console*hello ops'

        Send-PeerMessage -Node $watcher -Channel ops -Text 'ops answer'
        Wait-Printed '*#ops chan-watch*ops answer'

        Send-Line '/join #board plum orbit candle seventy'
        Wait-Printed '*** Joined #board (private*' -TimeoutSec 60
        Send-Line 'sealed hello'
        $sealed = Receive-PeerMessage -Node $watcher -Wait -Count 1 -Timeout 15
        $sealed.Text | Should -Be 'sealed hello'
        $sealed.Channel | Should -Be 'board'
        $sealed.Private | Should -BeTrue

        Send-Line '/channels'
        Wait-Printed '*#board (private)*<- current'
        Send-Line '/part'
        Wait-Printed '*** Left #board; lines you type now go to the lobby.'
        Send-Line 'back in the lobby'
        $lobby = Receive-PeerMessage -Node $watcher -Wait -Count 1 -Timeout 15
        $lobby.Text | Should -Be 'back in the lobby'
        $lobby.Channel | Should -Be ''

        Send-Line '/help'
        Wait-Printed '*/join #name*'
        Send-Line '/quit'
        Wait-Until -TimeoutSec 30 -Because 'the console session ends' { $Console.Child.HasExited } | Out-Null
        Wait-Printed '*/part*'
        @($Console.Lines | Where-Object { $_ -like '*plum orbit*' }).Count | Should -Be 0 -Because 'the passphrase is never echoed'
    }
}
