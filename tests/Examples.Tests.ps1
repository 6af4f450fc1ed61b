#Requires -Version 7.0
# Runs the example scripts of examples/ as a user would, with parameters that make them finish within seconds,
# and checks what they print and return: in this session (&), in a ThreadJob on nodes of this session (the
# module's node registry is process-wide), or in a child pwsh where the script owns its process.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false

    $examples = (Resolve-Path (Join-Path $PSScriptRoot '../examples')).ProviderPath
    $modulePath = (Resolve-Path $env:PSPEERCHAT_MODULE).ProviderPath

    # Splits what a script wrote with 6>&1: objects (its output) and the lines it printed (Write-Host).
    function Split-ScriptOutput([object[]] $Records) {
        $info = @($Records | Where-Object { $_ -is [System.Management.Automation.InformationRecord] })
        [pscustomobject]@{
            Output = @($Records | Where-Object { $_ -isnot [System.Management.Automation.InformationRecord] })
            Text   = ($info | ForEach-Object { "$($_.MessageData)" }) -join "`n"
        }
    }

    # Runs an example in a ThreadJob of this process (it sees this session's nodes).
    function Start-ExampleJob([string] $Script, [hashtable] $Parameters) {
        $path = Join-Path $examples $Script
        $module = $modulePath
        Start-ThreadJob -Name "ex-$Script" -ScriptBlock {
            Import-Module $using:module
            $p = $using:Parameters
            & $using:path @p
        }
    }

    # Waits for a job to end and returns its state, output and printed text.
    function Receive-ExampleJob($Job, [double] $TimeoutSec = 15) {
        $null = Wait-Job -Job $Job -Timeout $TimeoutSec
        $state = $Job.State
        $records = @(Receive-Job -Job $Job 6>&1 2>&1)
        $result = Split-ScriptOutput $records
        $result | Add-Member -NotePropertyName State -NotePropertyValue $state -PassThru
    }
}

AfterAll {
    Get-Job -Name 'ex-*' -ErrorAction SilentlyContinue | Remove-Job -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Start-LocalNetwork.ps1' {
    It 'starts 10 nodes that join through the first, each receives the 9 others'' messages, and all are stopped' {
        $run = Split-ScriptOutput @(& (Join-Path $examples 'Start-LocalNetwork.ps1') -Count 10 -NamePrefix 'ex-local' -PassThru 6>&1)

        $results = $run.Output
        $results | Should -HaveCount 10
        @($results.Name | Sort-Object -Unique) | Should -HaveCount 10
        foreach ($r in $results) {
            $r.Received | Should -Be 9 -Because "$($r.Name) hears the 9 other nodes"
            $r.Expected | Should -Be 9
            $r.MissingFrom | Should -BeNullOrEmpty
            $r.Duplicates | Should -Be 0
            $r.Degree | Should -BeGreaterOrEqual 5 -Because 'automatic joining gives every node its 5 links'
            $r.MaxHops | Should -BeGreaterOrEqual 1
            $r.Node.State | Should -Be 'Stopped' -Because 'the script stops its nodes'
        }
        Get-PeerNode 'ex-local-*' | Should -BeNullOrEmpty

        # What the user reads: the node table, the degrees, the verdict, the clean-up.
        $run.Text | Should -Match 'Get-PeerNode:'
        $run.Text | Should -Match 'Degree \(links\) and neighbours'
        $run.Text | Should -Match 'ex-local-9'
        $run.Text | Should -Match 'Every one of the 10 nodes received the 9 messages of the others'
        $run.Text | Should -Match 'Stopped the 10 nodes'
    }

    It 'leaves the nodes running and returns them with -KeepRunning' {
        try {
            $nodes = @(& (Join-Path $examples 'Start-LocalNetwork.ps1') -Count 3 -NamePrefix 'ex-keep' -KeepRunning 6>$null)
            $nodes | Should -HaveCount 3
            $nodes | ForEach-Object { $_ | Should -BeOfType 'PSPeerChat.PeerNode'; $_.State | Should -Be 'Running' }
            (Get-PeerNode 'ex-keep-*').Name | Sort-Object | Should -Be @('ex-keep-0', 'ex-keep-1', 'ex-keep-2')
            # Still a working network.
            Send-PeerMessage -Node $nodes[0] -Text 'still here'
            (Receive-PeerMessage -Node $nodes[2] -Wait -Count 1 -Timeout 5).Text | Should -Be 'still here'
        }
        finally {
            Get-PeerNode 'ex-keep-*' | Stop-PeerNode -Confirm:$false
        }
    }
}

Describe 'Start-EchoBot.ps1' {
    AfterEach {
        Get-Job -Name 'ex-*' -ErrorAction SilentlyContinue | Remove-Job -Force
        Get-PeerNode 'ex-bot*', 'ex-client*', 'ex-entry*' | Stop-PeerNode -Confirm:$false
    }

    It 'answers !ping with pong and !echo hello with hello, on a node of this session (ThreadJob)' {
        $bot = Start-PeerNode -Name 'ex-bot' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $client = Start-PeerNode -Name 'ex-client' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $null = Connect-Peer -Node $client -Address $bot.Endpoint -ErrorAction Stop

        # The bot finds its node by name in the job's runspace and ends after 4 messages.
        $job = Start-ExampleJob 'Start-EchoBot.ps1' @{ Node = 'ex-bot'; MaxMessages = 4; DurationSec = 20 }
        'just chatting', '!ping', '!echo hello' | Send-PeerMessage -Node $client
        Send-PeerMessage -Node $client -To 'ex-bot' -Text '!ping'

        $answers = @(Receive-PeerMessage -Node $client -Wait -Count 3 -Timeout 10)
        $answers.Text | Should -Be @('pong', 'hello', 'pong')
        $answers.FromName | Should -Be @('ex-bot', 'ex-bot', 'ex-bot')
        $answers.IsDirect | Should -Be @($false, $false, $true) -Because 'a direct !ping gets a direct pong'

        $run = Receive-ExampleJob $job
        $run.State | Should -Be 'Completed' -Because "the bot stops after -MaxMessages 4 (it printed: $($run.Text))"
        $run.Text | Should -Match 'ex-client: !echo hello'
        $run.Text | Should -Match '4 message\(s\) received, 3 answered'
        $bot.State | Should -Be 'Running' -Because 'a node given with -Node is left running'
    }

    It 'runs until stopped (Ctrl+C, here Stop-Job) and then stops the node it started' {
        $job = Start-ExampleJob 'Start-EchoBot.ps1' @{ Name = 'ex-bot-forever'; ListenAddress = '127.0.0.1' }
        $bot = Wait-Until { Get-PeerNode 'ex-bot-forever*' } -TimeoutSec 10 -Because 'the bot started its node'
        $client = Start-PeerNode -Name 'ex-client' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $null = Connect-Peer -Node $client -Address "127.0.0.1:$($bot.Port)" -ErrorAction Stop
        Send-PeerMessage -Node $client -Text '!echo still answering'
        (Receive-PeerMessage -Node $client -Wait -Count 1 -Timeout 10).Text | Should -Be 'still answering'
        $job.State | Should -Be 'Running' -Because 'without -DurationSec or -MaxMessages the bot runs until stopped'

        $job | Stop-Job
        $bot.State | Should -Be 'Stopped' -Because 'the script''s finally block stops its node'
        Get-PeerNode 'ex-bot-forever*' | Should -BeNullOrEmpty
        (Receive-ExampleJob $job).Text | Should -Match 'Echo bot done after .*1 message\(s\) received, 1 answered'
    }

    It 'joins through -Bootstrap in its own process, answers, and ends by itself after -DurationSec' {
        $entry = Start-PeerNode -Name 'ex-entry' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $command = "Import-Module '$modulePath'; & '$(Join-Path $examples 'Start-EchoBot.ps1')' -Name ex-bot-child -ListenAddress 127.0.0.1 -Bootstrap $($entry.Endpoint) -DurationSec 3"
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in 'pwsh', '-NoProfile', '-NonInteractive', '-Command', $command) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = (Resolve-Path (Join-Path $PSScriptRoot '..')).ProviderPath   # the dotnet tool manifest
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($psi)
        try {
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            $link = Wait-Until { Get-Peer -Node $entry | Where-Object Name -eq 'ex-bot-child' } -TimeoutSec 30 -Because 'the bot in the child process joined through the entry node'

            Send-PeerMessage -Node $entry -Text '!ping'
            $answer = @(Receive-PeerMessage -Node $entry -Wait -Count 1 -Timeout 10)
            $answer.Text | Should -Be 'pong'
            $answer.FromName | Should -Be 'ex-bot-child'

            $process.WaitForExit(20000) | Should -BeTrue -Because 'the bot ends after -DurationSec 3'
            $process.WaitForExit()
            $process.ExitCode | Should -Be 0 -Because "stderr: $($stderr.Result)"
            $stdout.Result | Should -Match 'Linked to: ex-entry'
            $stdout.Result | Should -Match 'ex-entry: !ping'
            $stdout.Result | Should -Match 'Echo bot done after [\d.]+ s: 1 message\(s\) received, 1 answered'
            $stdout.Result | Should -Match 'Stopped node ex-bot-child'
            # It said goodbye: the link closed with CLOSE Shutdown, not a lost connection.
            $null = Wait-Until { $link.State -eq 'Closed' } -TimeoutSec 5 -Because 'the child stopped its node'
            $link.CloseReason | Should -Be 'Shutdown'
        }
        finally {
            if (-not $process.HasExited) { $process.Kill($true) }
            $process.Dispose()
        }
    }
}

Describe 'Export-ChatLog.ps1' {
    AfterEach {
        Get-Job -Name 'ex-*' -ErrorAction SilentlyContinue | Remove-Job -Force
        Get-PeerNode 'ex-sender*', 'ex-logger*', 'chat-logger*' | Stop-PeerNode -Confirm:$false
    }

    It 'joins through -Bootstrap and appends every message it receives to the CSV, with its columns' {
        $sender = Start-PeerNode -Name 'ex-sender' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $csv = Join-Path $TestDrive 'logs/chat.csv'   # the folder does not exist yet

        $job = Start-ExampleJob 'Export-ChatLog.ps1' @{ Bootstrap = $sender.Endpoint; ListenAddress = '127.0.0.1'; Name = 'ex-logger'; Path = $csv; MaxMessages = 3; DurationSec = 20 }
        # Linked, and known by name (for the direct message).
        $null = Wait-Until { Get-PeerDirectory -Node $sender 'ex-logger' } -TimeoutSec 10 -Because 'the logger joined through the sender'
        'first', 'second, with a comma' | Send-PeerMessage -Node $sender
        Send-PeerMessage -Node $sender -To 'ex-logger' -Text 'third "quoted", direct'

        $run = Receive-ExampleJob $job
        $run.State | Should -Be 'Completed' -Because "the logger stops after -MaxMessages 3 (it printed: $($run.Text))"
        $run.Text | Should -Match 'Logged 3 message\(s\) to .*chat\.csv'
        $run.Text | Should -Match 'Stopped node ex-logger'
        Get-PeerNode 'ex-logger' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        Get-Content -LiteralPath $csv -TotalCount 1 | Should -Be '"ReceivedAt","FromName","From","Text","Hops","IsDirect"'
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows | Should -HaveCount 3
        $rows.Text | Should -Be @('first', 'second, with a comma', 'third "quoted", direct')
        $rows.FromName | Should -Be @('ex-sender', 'ex-sender', 'ex-sender')
        $rows.From | Should -Be @($sender.Id, $sender.Id, $sender.Id)
        $rows.Hops | Should -Be @('1', '1', '1')
        $rows.IsDirect | Should -Be @('False', 'False', 'True')
        foreach ($r in $rows) {
            $at = [DateTimeOffset]::Parse($r.ReceivedAt, [cultureinfo]::InvariantCulture)
            ([DateTimeOffset]::Now - $at).TotalSeconds | Should -BeLessThan 60
        }
    }

    It 'appends to an existing log and refuses a file with other columns' {
        $sender = Start-PeerNode -Name 'ex-sender' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $csv = Join-Path $TestDrive 'existing.csv'
        [pscustomobject]@{ ReceivedAt = '2020-01-01T00:00:00.0000000+00:00'; FromName = 'old'; From = 'x'; Text = 'earlier'; Hops = 1; IsDirect = $false } |
            Export-Csv -LiteralPath $csv -NoTypeInformation

        # Driven with -MaxMessages: the message is already in the inbox when the logger starts on the node.
        $logger = Start-PeerNode -Name 'ex-logger' -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0
        $null = Connect-Peer -Node $sender -Address $logger.Endpoint -ErrorAction Stop
        Send-PeerMessage -Node $sender -Text 'later'
        $null = Wait-Until { $logger.InboxCount -eq 1 } -TimeoutSec 5 -Because 'the message reached the logger node'
        & (Join-Path $examples 'Export-ChatLog.ps1') -Node $logger -Path $csv -MaxMessages 1 -DurationSec 10 6>$null
        (Import-Csv -LiteralPath $csv).Text | Should -Be @('earlier', 'later')
        $logger.State | Should -Be 'Running' -Because 'a node given with -Node is left running'

        $other = Join-Path $TestDrive 'other.csv'
        Set-Content -LiteralPath $other -Value '"Name","Value"'
        $err = Get-ErrorRecord { & (Join-Path $examples 'Export-ChatLog.ps1') -Path $other -DurationSec 1 6>$null }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.Message | Should -Match 'already holds other columns'
        Get-PeerNode 'chat-logger' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty -Because 'it refused before starting a node'
    }
}

Describe 'Join-TwoNetworks.ps1' {
    It 'shows two separate networks, then a broadcast reaching every node of both after one Connect-Peer' {
        $run = Split-ScriptOutput @(& (Join-Path $examples 'Join-TwoNetworks.ps1') -Count 4 -NamePrefix 'ex-net' -GraceMs 500 -PassThru 6>&1)
        $r = $run.Output
        $r | Should -HaveCount 1

        $r.NetworkA | Should -Be @('ex-netA-0', 'ex-netA-1', 'ex-netA-2', 'ex-netA-3')
        $r.NetworkB | Should -Be @('ex-netB-0', 'ex-netB-1', 'ex-netB-2', 'ex-netB-3')
        $r.Bridge.From | Should -Be 'ex-netA-3'
        $r.Bridge.To | Should -Be 'ex-netB-3'

        # Before the bridge: each node hears the 3 others of its network and nobody of the other.
        $r.Before | Should -HaveCount 8
        foreach ($row in $r.Before) {
            $own, $other = if ($row.Network -eq 'A') { $row.FromA, $row.FromB } else { $row.FromB, $row.FromA }
            $own | Should -Be 3 -Because "$($row.Node) hears its own network"
            $other | Should -Be 0 -Because "no message of the other network reaches $($row.Node) before the bridge"
        }
        $r.Separate | Should -BeTrue

        # After the bridge: each node hears all 7 others, from both networks.
        $r.After | Should -HaveCount 8
        foreach ($row in $r.After) {
            $row.Received | Should -Be 7 -Because "$($row.Node) hears every node of both networks"
            $row.FromA | Should -Be ($(if ($row.Network -eq 'A') { 3 } else { 4 }))
            $row.FromB | Should -Be ($(if ($row.Network -eq 'B') { 3 } else { 4 }))
        }
        $r.Merged | Should -BeTrue

        $run.Text | Should -Match 'Separate: every node heard its whole network and no message crossed'
        $run.Text | Should -Match 'Bridge: ex-netA-3 dialled ex-netB-3'
        $run.Text | Should -Match 'Merged: all 8 nodes heard the 7 others'
        Get-PeerNode 'ex-net*' | Should -BeNullOrEmpty -Because 'the script stops its nodes'
    }
}

Describe 'Show-ChatFeatures.ps1' {
    It 'shows a channel, objects, a late node catching up and the map' {
        $path = Join-Path $TestDrive 'tour-map.html'
        $run = Split-ScriptOutput @(& (Join-Path $examples 'Show-ChatFeatures.ps1') -NamePrefix 'ex-tour' -MapPath $path -PassThru 6>&1)
        $r = $run.Output
        $r | Should -HaveCount 1
        $r.OpsSeenBy | Should -Be @('ex-tour-relay')
        $r.LobbySeenBy | Should -Be @('ex-tour-relay')
        $r.Objects | Should -HaveCount 3
        $r.Objects[0] | Should -BeOfType [pscustomobject]
        $r.Objects.Id | Should -Be $r.Sent.Id
        $r.Objects.Name | Should -Be $r.Sent.Name
        $r.CaughtUp | Should -HaveCount 1
        $r.CaughtUp[0].Text | Should -Be 'lunch in the lobby'
        $r.CaughtUp[0].CaughtUp | Should -BeTrue
        $r.MapNodes | Should -Be 3
        $r.MapLinks | Should -Be 2
        Test-Path -LiteralPath $path | Should -BeTrue
        $run.Text | Should -Match 'What you missed'
        Get-PeerNode | Where-Object Name -like 'ex-tour-*' | Should -BeNullOrEmpty
    }
}
