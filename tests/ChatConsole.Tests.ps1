#Requires -Version 7.0
# Enter-PeerChat as a person uses it: in a real terminal. A private tmux server runs two chat consoles
# (ana and ben, each `dotnet pwsh ... Enter-PeerChat` in its own pty) and a plain text peer (nc); the test
# types with `tmux send-keys` and reads the screens with `tmux capture-pane`, always waiting with a deadline
# for the expected text. The Its run in order and build on each other (one chat session).
# tmux makes its own ptys, so this runs with no terminal attached too (CI: `bash .ci/run` with no stdin).

BeforeDiscovery {
    # build.ps1 -Task Test installs tmux where it can (root with apt-get); elsewhere these tests are skipped, with the reason.
    $script:NoTmux = $null -eq (Get-Command tmux -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $tmuxCommand = Get-Command tmux -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -eq $tmuxCommand) { return } # the Describe is skipped
    $ncCommand = Get-Command nc -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1

    # Everything the helpers below share. Its cannot pass variables to each other; they fill this table.
    $Chat = @{
        Tmux       = $tmuxCommand.Source
        Socket     = "pspeerchat-console-$PID-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        RepoRoot   = Split-Path -Parent $PSScriptRoot   # dotnet finds the local pwsh tool from here
        Module     = (Resolve-Path -LiteralPath $env:PSPEERCHAT_MODULE).ProviderPath
        NameA      = 'ana'
        NameB      = 'ben'
        PortA      = Get-FreeTcpPort
        PortB      = Get-FreeTcpPort
        IdA        = $null
        IdB        = $null
        TextPeer   = $null   # host:port of the nc text peer as the node sees it
        ServerUp   = $false
        StartupSec = 60      # a cold `dotnet pwsh` plus the module on a busy 2-core machine
        WaitSec    = 20      # anything after startup (a message, a notice, a command's output)
    }
    while ($Chat.PortB -eq $Chat.PortA) { $Chat.PortB = Get-FreeTcpPort }

    function Invoke-Tmux {
        # tmux on the private server; throws with tmux's own message on failure.
        $__out = & $Chat.Tmux -L $Chat.Socket @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "tmux $($args -join ' ') failed (exit code $LASTEXITCODE): $($__out -join ' ')" }
        $__out
    }

    function Get-ScreenLine {
        # The pane's lines, scrollback included (-S -), wrapped lines joined (-J), trailing blanks trimmed.
        param([Parameter(Mandatory)] [string] $Target)
        @(Invoke-Tmux capture-pane -p -J -S - -t "=$($Target):" | ForEach-Object { "$_".TrimEnd() })
    }

    function Get-Screen {
        param([Parameter(Mandatory)] [string] $Target)
        (Get-ScreenLine $Target) -join "`n"
    }

    function Get-AllScreens {
        # Every pane of the server, for failure messages.
        $__sb = [System.Text.StringBuilder]::new()
        $__sessions = @()
        try { $__sessions = @(Invoke-Tmux list-panes -a -F '#{session_name} dead=#{pane_dead} status=#{pane_dead_status}') }
        catch { return "(no tmux screens: $_)" }
        foreach ($__s in $__sessions) {
            $__name = ($__s -split ' ')[0]
            $null = $__sb.AppendLine("===== tmux session $__s =====")
            try {
                $__lines = @(Get-ScreenLine $__name)
                $__last = $__lines.Count - 1
                while ($__last -ge 0 -and $__lines[$__last] -eq '') { $__last-- }
                if ($__last -ge 0) { $null = $__sb.AppendLine(($__lines[0..$__last] -join "`n")) }
            }
            catch { $null = $__sb.AppendLine("(capture failed: $_)") }
        }
        $__sb.ToString()
    }

    function Get-LastLine {
        # The last non-blank line of a pane: the prompt line while the chat runs.
        param([Parameter(Mandatory)] [string] $Target)
        $__lines = @(Get-ScreenLine $Target | Where-Object { $_ -ne '' })
        if ($__lines.Count -eq 0) { return '' }
        $__lines[-1]
    }

    function Get-MatchCount {
        param([Parameter(Mandatory)] [string] $Target, [Parameter(Mandatory)] [string] $Pattern)
        [regex]::Matches((Get-Screen $Target), $Pattern, [System.Text.RegularExpressions.RegexOptions]::Multiline).Count
    }

    function Fail {
        # Throws a failure message with every screen attached.
        param([Parameter(Mandatory)] [string] $Message)
        throw "$Message`n$(Get-AllScreens)"
    }

    function Assert-Chat {
        param([Parameter(Mandatory)] [bool] $Condition, [Parameter(Mandatory)] [string] $Message)
        if (-not $Condition) { Fail $Message }
    }

    function Wait-Screen {
        # Polls the pane until the regex (multiline: ^ and $ are line ends) matches at least -Count times.
        param(
            [Parameter(Mandatory)] [string] $Target,
            [Parameter(Mandatory)] [string] $Pattern,
            [Parameter(Mandatory)] [string] $Because,
            [int] $Count = 1,
            [double] $TimeoutSec = $Chat.WaitSec
        )
        try {
            Wait-Until -TimeoutSec $TimeoutSec -IntervalMs 100 -Because $Because {
                (Get-MatchCount -Target $Target -Pattern $Pattern) -ge $Count
            } | Out-Null
        }
        catch {
            Fail "$($_.Exception.Message)`nExpected in session $Target, at least $Count time(s), a match for: $Pattern"
        }
        $m = [regex]::Matches((Get-Screen $Target), $Pattern, [System.Text.RegularExpressions.RegexOptions]::Multiline)
        $m[$m.Count - 1]
    }

    function Send-Text {
        # Types text literally (-l: no key names), then Enter unless -NoEnter.
        param([Parameter(Mandatory)] [string] $Target, [Parameter(Mandatory)] [string] $Text, [switch] $NoEnter)
        $null = Invoke-Tmux send-keys -t "=$($Target):" -l $Text
        if (-not $NoEnter) { $null = Invoke-Tmux send-keys -t "=$($Target):" Enter }
    }

    function Send-Command {
        # Types a line in a console and waits until -Pattern shows up once more than before (outputs repeat).
        param([Parameter(Mandatory)] [string] $Target, [Parameter(Mandatory)] [string] $Text,
            [Parameter(Mandatory)] [string] $Pattern, [Parameter(Mandatory)] [string] $Because)
        $before = Get-MatchCount -Target $Target -Pattern $Pattern
        Send-Text -Target $Target -Text $Text
        Wait-Screen -Target $Target -Pattern $Pattern -Count ($before + 1) -Because $Because
    }

    function Start-ChatConsole {
        param([Parameter(Mandatory)] [string] $Session, [Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [int] $Port)
        $module = $Chat.Module -replace "'", "''"
        # What a user types to open a chat; the last statement shows that the chat returned (and that the node
        # outlives it, as /help says). No trailing ';': tmux would take it as a command separator.
        $command = "Import-Module '$module'; `$n = Start-PeerNode -Name $Name -Port $Port -TargetPeers 0; Enter-PeerChat; " +
            "Write-Host ('chat over, node ' + `$n.Name + ' ' + `$n.State)"
        $tmuxArgs = @('new-session', '-d', '-s', $Session, '-x', '160', '-y', '40', '-c', $Chat.RepoRoot,
            'dotnet', 'pwsh', '-NoProfile', '-NoLogo', '-Command', $command)
        if (-not $Chat.ServerUp) {
            # Dead panes stay readable (the end of a chat, a crash); set before the first pane starts.
            $tmuxArgs = @('-f', '/dev/null', 'set-option', '-g', 'remain-on-exit', 'on', ';') + $tmuxArgs
        }
        $null = Invoke-Tmux @tmuxArgs
        $Chat.ServerUp = $true
    }

    $Chat.HexId = '[0-9a-f]{8}'
    $Chat.Time = '\[\d\d:\d\d:\d\d\]'

    Start-ChatConsole -Session 'chatA' -Name $Chat.NameA -Port $Chat.PortA
    Start-ChatConsole -Session 'chatB' -Name $Chat.NameB -Port $Chat.PortB
}

AfterAll {
    if ($Chat -and $Chat.ServerUp) {
        $socketPath = "$(& $Chat.Tmux -L $Chat.Socket display-message -p '#{socket_path}' 2>$null)".Trim()
        # Ends every pane (pwsh, nc) with the server; tmux leaves its socket file behind.
        & $Chat.Tmux -L $Chat.Socket kill-server 2>&1 | Out-Null
        if ($socketPath -and (Test-Path -LiteralPath $socketPath)) { Remove-Item -LiteralPath $socketPath -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Enter-PeerChat in a terminal (tmux)' -Skip:$NoTmux {

    It 'shows the banner and the prompt in both consoles' {
        $m = Wait-Screen -Target chatA -TimeoutSec $Chat.StartupSec -Because 'console A (ana) shows its banner' `
            -Pattern "^PSPeerChat: node ana \(($($Chat.HexId))\) listening at \[::\]:$($Chat.PortA), 0 peer\(s\)\.$"
        $Chat.IdA = $m.Groups[1].Value
        $m = Wait-Screen -Target chatB -TimeoutSec $Chat.StartupSec -Because 'console B (ben) shows its banner' `
            -Pattern "^PSPeerChat: node ben \(($($Chat.HexId))\) listening at \[::\]:$($Chat.PortB), 0 peer\(s\)\.$"
        $Chat.IdB = $m.Groups[1].Value

        foreach ($t in 'chatA', 'chatB') {
            Wait-Screen -Target $t -Because "console $t explains how to chat" `
                -Pattern '^Type a message and press Enter to send it to everyone\. /help lists the commands; exit or quit leaves\.$' | Out-Null
            Assert-Chat ((Get-LastLine $t) -eq '>') "The last line of $t is not the empty prompt '> ' but '$(Get-LastLine $t)'."
        }
    }

    It '/connect links B to A and both consoles show a join notice' {
        Assert-Chat ($null -ne $Chat.IdA -and $null -ne $Chat.IdB) 'The consoles did not start (see the first test).'
        Send-Text chatB "/connect 127.0.0.1:$($Chat.PortA)"
        Wait-Screen -Target chatB -Because 'B says it is connecting' -Pattern "^Connecting to 127\.0\.0\.1:$($Chat.PortA) \.\.\.$" | Out-Null
        Wait-Screen -Target chatB -Because 'B reports the link to A' `
            -Pattern "^\*\*\* Connected to ana \($($Chat.IdA)\) at 127\.0\.0\.1:$($Chat.PortA)$" | Out-Null
        Wait-Screen -Target chatB -Because 'B shows a join notice for A' `
            -Pattern "^\*\*\* ana \($($Chat.IdA)\) joined \(outbound, PeerChat\)$" | Out-Null
        Wait-Screen -Target chatA -Because 'A shows a join notice for B' `
            -Pattern "^\*\*\* ben \($($Chat.IdB)\) joined \(inbound, PeerChat\)$" | Out-Null
        Assert-Chat ((Get-LastLine chatB) -eq '>') "After the notices B's prompt line is '$(Get-LastLine chatB)', not '> '."
    }

    It 'a line typed in one console appears in the other, and the other way round' {
        Send-Text chatA 'hello from ana'
        Wait-Screen -Target chatB -Because "A's line arrives in B" -Pattern "^$($Chat.Time) ana \($($Chat.IdA)\): hello from ana$" | Out-Null
        Wait-Screen -Target chatA -Because 'A shows its own line once sent' -Pattern "^$($Chat.Time) ana \($($Chat.IdA)\): hello from ana$" | Out-Null

        Send-Text chatB 'hi ana, ben here'
        Wait-Screen -Target chatA -Because "B's line arrives in A" -Pattern "^$($Chat.Time) ben \($($Chat.IdB)\): hi ana, ben here$" | Out-Null
        Wait-Screen -Target chatB -Because 'B shows its own line once sent' -Pattern "^$($Chat.Time) ben \($($Chat.IdB)\): hi ana, ben here$" | Out-Null
        Assert-Chat ((Get-Screen chatA) -notmatch 'no peers: nobody received it') 'A said nobody received a line although B is linked.'
    }

    It 'an incoming message prints above a half-typed line, which stays on the prompt line and is sent intact' {
        Send-Text chatB 'half typed' -NoEnter
        try {
            Wait-Until -TimeoutSec $Chat.WaitSec -Because "B's prompt line shows the half-typed text" { (Get-LastLine chatB) -eq '> half typed' } | Out-Null
        }
        catch { Fail "$($_.Exception.Message)" }

        Send-Text chatA 'while ben is typing'
        $incoming = "$($Chat.Time) ana \($($Chat.IdA)\): while ben is typing"
        Wait-Screen -Target chatB -Because 'the message from A arrives while B types' -Pattern "^$incoming$" | Out-Null

        $lines = @(Get-ScreenLine chatB | Where-Object { $_ -ne '' })
        Assert-Chat ($lines[-1] -eq '> half typed') "After the incoming message B's prompt line is '$($lines[-1])', not '> half typed'."
        Assert-Chat ($lines[-2] -match "^$incoming$") "The incoming message is not the line right above B's prompt: '$($lines[-2])'."
        $copies = @($lines | Where-Object { $_ -match 'half typed' })
        Assert-Chat ($copies.Count -eq 1) "The half-typed text shows $($copies.Count) times in B (a garbled redraw?): $($copies -join ' | ')"

        Send-Text chatB ', now finished'
        Wait-Screen -Target chatA -Because 'the finished line arrives intact in A' -Pattern "^$($Chat.Time) ben \($($Chat.IdB)\): half typed, now finished$" | Out-Null
        Wait-Screen -Target chatB -Because 'B shows the finished line as sent' -Pattern "^$($Chat.Time) ben \($($Chat.IdB)\): half typed, now finished$" | Out-Null
        Assert-Chat ((Get-LastLine chatB) -eq '>') "After sending, B's prompt line is '$(Get-LastLine chatB)', not the empty prompt."
    }

    It '/peers and the bare peers list the other node' {
        $peerOfA = "^  ben \($($Chat.IdB)\)  127\.0\.0\.1:\d+  Inbound PeerChat  since \d\d:\d\d:\d\d  in \d+ out \d+$"
        Send-Command chatA '/peers' -Pattern $peerOfA -Because '/peers in A lists ben' | Out-Null
        Send-Command chatA 'peers' -Pattern $peerOfA -Because "the article's bare peers in A lists ben" | Out-Null
        Send-Command chatB 'peers' -Pattern "^  ana \($($Chat.IdA)\)  127\.0\.0\.1:$($Chat.PortA)  Outbound PeerChat  since \d\d:\d\d:\d\d  in \d+ out \d+$" `
            -Because "the article's bare peers in B lists ana" | Out-Null
        Assert-Chat ((Get-Screen chatA) -notmatch '(?m)^No peers\.') 'A said it has no peers.'
    }

    It '/who lists the other node once it announced itself' {
        $pattern = "^  ben \($($Chat.IdB)\)  \d+ hop\(s\), seen \d\d:\d\d:\d\d, id $($Chat.IdB)[0-9a-f]{24}$"
        $asked = @{ Watch = [System.Diagnostics.Stopwatch]::StartNew(); At = -10.0 }
        try {
            Wait-Until -TimeoutSec $Chat.WaitSec -IntervalMs 100 -Because '/who in A lists ben' {
                if ((Get-MatchCount -Target chatA -Pattern $pattern) -ge 1) { return $true }
                # Not announced yet: ask again now and then, as a user would.
                if ($asked.Watch.Elapsed.TotalSeconds - $asked.At -ge 2) { Send-Text chatA '/who'; $asked.At = $asked.Watch.Elapsed.TotalSeconds }
                $false
            } | Out-Null
        }
        catch { Fail $_.Exception.Message }
    }

    It 'a plain text peer (nc) is announced, its line shows in the consoles and it gets lines as "name: text"' {
        if ($null -ne $ncCommand) {
            $null = Invoke-Tmux new-session -d -s textT -x 160 -y 40 $ncCommand.Source 127.0.0.1 "$($Chat.PortA)"
        }
        else {
            # No nc on this machine: the same plain TCP line client in pwsh.
            $client = '$c = [Net.Sockets.TcpClient]::new(''127.0.0.1'', ' + $Chat.PortA + '); $s = $c.GetStream(); ' +
                '$r = [IO.StreamReader]::new($s); $t = $r.ReadLineAsync(); while ($true) { ' +
                'if ($t.IsCompleted) { if ($null -eq $t.Result) { break }; [Console]::WriteLine($t.Result); $t = $r.ReadLineAsync() }; ' +
                'if ([Console]::KeyAvailable) { $b = [Text.Encoding]::UTF8.GetBytes([Console]::ReadLine() + "`n"); $s.Write($b, 0, $b.Length) }; ' +
                'Start-Sleep -Milliseconds 20 }'
            $null = Invoke-Tmux new-session -d -s textT -x 160 -y 40 -c $Chat.RepoRoot dotnet pwsh -NoProfile -NoLogo -Command $client
        }
        # A silent inbound connection counts as a text peer after a short while.
        $m = Wait-Screen -Target chatA -TimeoutSec $Chat.StartupSec -Because 'A shows a join notice for the text peer' `
            -Pattern '^\*\*\* text peer (127\.0\.0\.1:\d+) joined \(inbound, Text\)$'
        $Chat.TextPeer = $m.Groups[1].Value
        $tp = [regex]::Escape($Chat.TextPeer)

        Send-Text textT 'hello from a plain text peer'
        Wait-Screen -Target chatA -Because "the text peer's line shows in A" -Pattern "^$($Chat.Time) $tp \(text\): hello from a plain text peer$" | Out-Null
        Wait-Screen -Target chatB -Because "the text peer's line is flooded on to B" -Pattern "^$($Chat.Time) $tp \(text\): hello from a plain text peer$" | Out-Null

        Send-Text chatA 'hello text peer'
        Wait-Screen -Target textT -Because "the text peer receives A's line as 'ana: text'" -Pattern '^ana: hello text peer$' | Out-Null
        Send-Text chatB 'ben to everyone'
        Wait-Screen -Target textT -Because "the text peer receives B's line through A as 'ben: text'" -Pattern '^ben: ben to everyone$' | Out-Null
    }

    It 'an object sent through the pipeline shows as one compact line in the consoles, and the text peer gets its JSON' {
        # A node of this test process joins A, sends an object and leaves again (so A is back at two peers).
        $olga = Start-PeerNode -Name olga -Port 0 -TargetPeers 0
        try {
            $null = Connect-Peer -Node $olga -Address "127.0.0.1:$($Chat.PortA)" -ErrorAction Stop
            [pscustomobject]@{ Name = 'pwsh'; Id = 42; Tags = @('a', 'b') } | Send-PeerMessage -Node $olga
            $line = "^$($Chat.Time) olga \($($Chat.HexId)\): @\{Name=pwsh; Id=42; Tags=\[a, b\]\}$"
            Wait-Screen -Target chatA -Because 'A shows the object as a compact line' -Pattern $line | Out-Null
            Wait-Screen -Target chatB -Because 'B shows the object flooded on through A' -Pattern $line | Out-Null
            Wait-Screen -Target textT -Because 'the text peer gets the JSON as its line' -Pattern '^olga: \{"Name":"pwsh","Id":42,"Tags":\["a","b"\]\}$' | Out-Null
        }
        finally {
            Stop-PeerNode -Node $olga -Confirm:$false
        }
        Wait-Screen -Target chatA -Because 'olga left A' -Pattern "^\*\*\* olga \($($Chat.HexId)\) left \(.+\)$" | Out-Null
    }

    It '/msg ben sends a direct message that B shows as [direct] and nobody else sees' {
        Send-Text chatA '/msg ben secret'
        Wait-Screen -Target chatB -Because 'B shows the direct message' -Pattern "^$($Chat.Time) \[direct\] ana \($($Chat.IdA)\): secret$" | Out-Null
        Wait-Screen -Target chatA -Because 'A shows the direct message as sent to ben' -Pattern "^$($Chat.Time) \[to $($Chat.IdB)\] ana \($($Chat.IdA)\): secret$" | Out-Null
        Assert-Chat ((Get-Screen chatA) -notmatch '\[direct\]') 'A shows [direct], but only the receiver should.'

        # Lines reach the text peer in order: once a later broadcast is there, the secret would be too.
        Send-Text chatA 'after the secret'
        Wait-Screen -Target textT -Because 'the text peer gets the broadcast after the direct message' -Pattern '^ana: after the secret$' | Out-Null
        $leaked = @(Get-ScreenLine textT | Where-Object { $_ -match 'secret' -and $_ -ne 'ana: after the secret' })
        Assert-Chat ($leaked.Count -eq 0) "The text peer received the direct message: $($leaked -join ' | ')"
    }

    It '@ben text sends a direct message that only B shows, as /msg does' {
        Send-Text chatA '@ben mention secret'
        Wait-Screen -Target chatB -Because 'B shows the @ message as a direct message' -Pattern "^$($Chat.Time) \[direct\] ana \($($Chat.IdA)\): mention secret$" | Out-Null
        Wait-Screen -Target chatA -Because 'A shows it as sent to ben' -Pattern "^$($Chat.Time) \[to $($Chat.IdB)\] ana \($($Chat.IdA)\): mention secret$" | Out-Null
        Send-Text chatA 'after the mention'
        Wait-Screen -Target textT -Because 'the text peer gets the broadcast after the @ message' -Pattern '^ana: after the mention$' | Out-Null
        $leaked = @(Get-ScreenLine textT | Where-Object { $_ -match 'mention secret|@ben' })
        Assert-Chat ($leaked.Count -eq 0) "The @ message was broadcast to the text peer: $($leaked -join ' | ')"
    }

    It '@ with an unknown name is refused, lists the known nodes and sends nothing' {
        Send-Command chatA '@nobody are you there' -Pattern "^\*\*\* Not sent: no node 'nobody' in the directory of ana\. Known nodes:$" -Because 'an unknown name is refused' | Out-Null
        Wait-Screen -Target chatA -Because 'the refusal lists ben with its fingerprint' -Pattern "^  @ben  \($($Chat.IdB)\)$" | Out-Null
        Send-Command chatA '@be partial name' -Pattern "^\*\*\* Not sent: no node 'be' in the directory of ana\. Did you mean:$" -Because 'a part of a name lists the names containing it' | Out-Null
        Send-Text chatA 'after the refusals'
        Wait-Screen -Target textT -Because 'the text peer gets the broadcast after the refused @ lines' -Pattern '^ana: after the refusals$' | Out-Null
        Wait-Screen -Target chatB -Because 'B gets the broadcast after the refused @ lines' -Pattern "^$($Chat.Time) ana \($($Chat.IdA)\): after the refusals$" | Out-Null
        foreach ($target in 'chatB', 'textT') {
            Assert-Chat ((Get-Screen $target) -notmatch 'are you there|partial name') "A refused @ line reached $target."
        }
    }

    It 'Tab completes a name after @ and the completed line goes to that node' {
        Send-Text chatA '@b' -NoEnter
        $null = Invoke-Tmux send-keys -t '=chatA:' Tab
        Wait-Screen -Target chatA -Because 'Tab completes @b to @ben on the prompt line' -Pattern '^> @ben$' | Out-Null
        Send-Text chatA 'completed with tab'
        Wait-Screen -Target chatB -Because 'the completed line reaches ben as a direct message' -Pattern "^$($Chat.Time) \[direct\] ana \($($Chat.IdA)\): completed with tab$" | Out-Null
    }

    It '/help lists the commands and /nodes the node of this chat' {
        Send-Command chatA '/help' -Pattern '^  /quit +leave the chat' -Because '/help in A lists the commands' | Out-Null
        $screen = Get-Screen chatA
        foreach ($c in '/connect <host:port>', '/peers', '@<name> <text>', '/msg <name> <text>', '/who', '/nodes', '/quit') {
            Assert-Chat ($screen -match "(?m)^  $([regex]::Escape($c)) ") "/help does not list $c."
        }
        Send-Command chatA '/nodes' -Pattern "^  ana \($($Chat.IdA)\) \[::\]:$($Chat.PortA), 2 peer\(s\)  <- this chat$" `
            -Because '/nodes lists the chat node with its two peers (ben and the text peer)' | Out-Null
    }

    It 'an unknown /foo says Unknown command' {
        Send-Command chatA '/foo' -Pattern '^Unknown command /foo\. /help lists the commands\.$' -Because '/foo is not a command' | Out-Null
        Assert-Chat ((Get-Screen chatB) -notmatch '/foo') 'The unknown command was sent as a message.'
        Assert-Chat ((Get-Screen textT) -notmatch '/foo') 'The unknown command was sent to the text peer.'
    }

    It 'quit in B ends its chat and A shows a leave notice' {
        Send-Text chatB 'quit'
        Wait-Screen -Target chatB -Because "B's chat returns (and its node still runs)" -Pattern '^chat over, node ben Running$' | Out-Null
        Wait-Screen -Target chatA -Because 'A shows a leave notice for ben' -Pattern "^\*\*\* ben \($($Chat.IdB)\) left \(.+\)$" | Out-Null
        $serverPid = "$(Invoke-Tmux display-message -p '#{pid}')".Trim()
        try {
            $exit = Wait-Until -TimeoutSec $Chat.WaitSec -Because "B's pwsh exits after the chat" {
                $pane = "$(Invoke-Tmux list-panes -t '=chatB:' -F '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}')".Trim()
                if ($pane -notlike '1|*') { return $null }
                # tmux (libutempter's SIGCHLD handler) may miss the exit of a pane's process and leave it unreaped,
                # its status empty; a SIGCHLD makes the tmux server reap it.
                if ($pane -eq '1||') { & kill -s CHLD $serverPid 2>&1 | Out-Null; return $null }
                $pane
            }
        }
        catch { Fail $_.Exception.Message }
        Assert-Chat ($exit -eq '1|0|') "B's pwsh did not exit with code 0 after quit (pane dead|status|signal: $exit)."
        Assert-Chat ((Get-Screen chatB) -notmatch "(?m)^$($Chat.Time) ben \($($Chat.IdB)\): quit$") 'quit was sent as a message.'
        Assert-Chat ((Get-LastLine chatA) -eq '>') "After the leave notice A's prompt line is '$(Get-LastLine chatA)', not '> '."
    }
}
