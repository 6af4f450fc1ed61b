#Requires -Version 7.0
# Reachability across hosts (protocol.md §3.11, issue #15): Linux network namespaces on a bridge, three public hosts
# and one host behind a NAT router (nftables masquerade), one node per host in its own pwsh process. The NATed node
# dials a public entry node and chats; it reports Unreachable, the public nodes Reachable; no public node's address
# book (the source of every ADDR answer it gives) ever holds the NATed node, by id, by its private address or by the
# router's address. Needs root, iproute2 and nft (installed with apt-get when missing); skipped otherwise, with the
# reason. Every link, address and process lives in namespaces this file makes (names unique per run) and goes in AfterAll.

BeforeAll {
    $script:SkipReason = $null
    $script:Namespaces = [System.Collections.Generic.List[string]]::new()
    $script:Processes = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
    $script:Port = 7411
    $script:Public = [ordered]@{ pub1 = '198.18.0.1'; pub2 = '198.18.0.2'; pub3 = '198.18.0.3' }
    $script:RouterPublic = '198.18.0.254'
    $script:Private = '10.66.0.2'

    function Test-Prerequisites {
        if (-not $IsLinux) { return 'network namespaces need Linux' }
        if ((& id -u) -ne '0') { return 'building network namespaces needs root' }
        if (-not (Get-Command ip -ErrorAction SilentlyContinue)) { return 'iproute2 (ip) is not installed' }
        if (-not (Get-Command nft -ErrorAction SilentlyContinue)) {
            & apt-get install -y -qq nftables *> $null
            if (-not (Get-Command nft -ErrorAction SilentlyContinue)) { return 'nft is not installed and apt-get install nftables failed' }
        }
        return $null
    }

    function Invoke-Ip([string[]] $Arguments) {
        $out = & ip @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ip $($Arguments -join ' ') failed: $out" }
    }

    function Invoke-In([string] $Namespace, [string[]] $Command) {
        $out = & ip netns exec $Namespace @Command 2>&1
        if ($LASTEXITCODE -ne 0) { throw "in $Namespace, $($Command -join ' ') failed: $out" }
    }

    function New-Namespace([string] $Name) {
        Invoke-Ip @('netns', 'add', $Name)
        $script:Namespaces.Add($Name)
        Invoke-In $Name @('ip', 'link', 'set', 'lo', 'up')
    }

    # A veth pair made straight inside two namespaces: no interface ever appears in the host's namespace.
    function New-Wire([string] $NsA, [string] $IfA, [string] $NsB, [string] $IfB) {
        Invoke-Ip @('link', 'add', 'name', $IfA, 'netns', $NsA, 'type', 'veth', 'peer', 'name', $IfB, 'netns', $NsB)
        Invoke-In $NsA @('ip', 'link', 'set', $IfA, 'up')
        Invoke-In $NsB @('ip', 'link', 'set', $IfB, 'up')
    }

    function Start-Host([string] $Namespace, [string] $Name, [string] $Bootstrap) {
        $arguments = @('netns', 'exec', $Namespace, 'dotnet', 'pwsh', '-NoProfile', '-NonInteractive', '-File', $script:HostScript,
            '-Module', $env:PSPEERCHAT_MODULE, '-Name', $Name, '-Port', $script:Port, '-Dir', $script:Dir)
        if ($Bootstrap) { $arguments += @('-Bootstrap', $Bootstrap) }
        $p = Start-Process -FilePath 'ip' -ArgumentList $arguments -WorkingDirectory (Split-Path $PSScriptRoot) -PassThru `
            -RedirectStandardOutput (Join-Path $script:Dir "$Name.out") -RedirectStandardError (Join-Path $script:Dir "$Name.err")
        $script:Processes.Add($p)
    }

    # The last status a host wrote (it rewrites it about three times a second), or $null.
    function Get-Status([string] $Name) {
        $path = Join-Path $script:Dir "$Name.json"
        if (-not (Test-Path $path)) { return $null }
        try { return Get-Content -Raw $path | ConvertFrom-Json } catch { return $null }
    }

    function Wait-Hosts([scriptblock] $Condition, [string] $Because, [int] $TimeoutSec = 40) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ([DateTime]::UtcNow -lt $deadline) {
            $all = @{}
            foreach ($n in $script:Names) { $all[$n] = Get-Status $n }
            if (@($all.Values | Where-Object { $null -eq $_ }).Count -eq 0 -and (& $Condition $all)) { return $all }
            Start-Sleep -Milliseconds 200 # polling against the deadline, not a fixed wait
        }
        $state = ($script:Names | ForEach-Object { $s = Get-Status $_; if ($s) { "$_ $($s.Reachability) peers=$($s.Peers) got=$(@($s.Received).Count)" } else { "$_ no status: $(Get-Content -Raw (Join-Path $script:Dir "$_.err") -ErrorAction SilentlyContinue)" } }) -join '; '
        throw "Not within $TimeoutSec s: $Because ($state)"
    }

    $script:SkipReason = Test-Prerequisites
    if ($script:SkipReason) { return }

    $run = 'nat' + [Guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:Dir = Join-Path ([IO.Path]::GetTempPath()) $run
    New-Item -ItemType Directory -Path $script:Dir | Out-Null
    $script:Names = @('pub1', 'pub2', 'pub3', 'natted')
    $script:HostScript = Join-Path $script:Dir 'host.ps1'
    # One node of one host: starts it, then writes its status and sends what a say-<name>-*.txt file asks, until a stop file appears.
    Set-Content -Path $script:HostScript -Value @'
param([string] $Module, [string] $Name, [int] $Port, [string] $Dir, [string] $Bootstrap)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$options = @{ Name = $Name; Port = $Port; ListenAddress = '0.0.0.0'; TargetPeers = 3 }
if ($Bootstrap) { $options.Bootstrap = @($Bootstrap) }
$node = Start-PeerNode @options
$said = @{}
$received = [System.Collections.Generic.List[string]]::new()
try {
    while (-not (Test-Path (Join-Path $Dir 'stop'))) {
        foreach ($f in @(Get-ChildItem -Path $Dir -Filter "say-$Name-*.txt")) {
            if (-not $said.ContainsKey($f.Name)) { Send-PeerMessage -Node $node -Text (Get-Content -Raw $f.FullName).Trim(); $said[$f.Name] = $true }
        }
        foreach ($m in @(Receive-PeerMessage -Node $node)) { $received.Add($m.Text) }
        $status = [ordered]@{
            Name = $Name; Id = $node.Id; Reachability = [string]$node.Reachability; Peers = $node.PeerCount
            DialBacksDone = $node.DialBacksDone; DialBacksRefused = $node.DialBacksRefused; Received = @($received)
            Book = @(Get-PeerAddress -Node $node | ForEach-Object { [ordered]@{ Address = $_.Address; NodeId = $_.NodeId; Source = $_.Source } })
        }
        $tmp = Join-Path $Dir "$Name.json.tmp"
        $status | ConvertTo-Json -Depth 4 | Set-Content -Path $tmp
        Move-Item -Force -Path $tmp -Destination (Join-Path $Dir "$Name.json")
        Start-Sleep -Milliseconds 300
    }
}
finally {
    Stop-PeerNode -Node $node -Confirm:$false
}
'@

    # The wire: a switch namespace holding the bridge; three public hosts and the router's public side on it; the
    # NATed host on a private wire to the router, which masquerades what it forwards out of its public side.
    $sw = "$run-sw"; $rtr = "$run-rt"; $nat = "$run-nt"
    $hosts = @{ pub1 = "$run-p1"; pub2 = "$run-p2"; pub3 = "$run-p3"; natted = $nat }
    foreach ($ns in @($sw, $rtr, $hosts.pub1, $hosts.pub2, $hosts.pub3, $nat)) { New-Namespace $ns }
    Invoke-In $sw @('ip', 'link', 'add', 'br0', 'type', 'bridge')
    Invoke-In $sw @('ip', 'link', 'set', 'br0', 'up')
    $i = 0
    foreach ($name in $script:Public.Keys) {
        $i++
        New-Wire $hosts[$name] 'eth0' $sw "port$i"
        Invoke-In $sw @('ip', 'link', 'set', "port$i", 'master', 'br0')
        Invoke-In $hosts[$name] @('ip', 'addr', 'add', "$($script:Public[$name])/24", 'dev', 'eth0')
    }
    New-Wire $rtr 'wan0' $sw 'port9'
    Invoke-In $sw @('ip', 'link', 'set', 'port9', 'master', 'br0')
    Invoke-In $rtr @('ip', 'addr', 'add', "$script:RouterPublic/24", 'dev', 'wan0')
    New-Wire $rtr 'lan0' $nat 'eth0'
    Invoke-In $rtr @('ip', 'addr', 'add', '10.66.0.1/24', 'dev', 'lan0')
    Invoke-In $nat @('ip', 'addr', 'add', "$script:Private/24", 'dev', 'eth0')
    Invoke-In $nat @('ip', 'route', 'add', 'default', 'via', '10.66.0.1')
    Invoke-In $rtr @('sysctl', '-q', '-w', 'net.ipv4.ip_forward=1')
    $rules = Join-Path $script:Dir 'nat.nft'
    Set-Content -Path $rules -Value "table ip nat {`n chain postrouting {`n  type nat hook postrouting priority 100;`n  oifname `"wan0`" masquerade`n }`n}`n"
    Invoke-In $rtr @('nft', '-f', $rules)

    $entry = "$($script:Public.pub1):$script:Port"
    Start-Host $hosts.pub1 'pub1' $null
    Start-Host $hosts.pub2 'pub2' $entry
    Start-Host $hosts.pub3 'pub3' $entry
    Start-Host $nat 'natted' $entry
}

AfterAll {
    if ($script:Dir -and (Test-Path $script:Dir)) { Set-Content -Path (Join-Path $script:Dir 'stop') -Value 'stop' }
    foreach ($p in $script:Processes) {
        if (-not $p.WaitForExit(10000)) { Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue }
    }
    # Any process still inside one of our namespaces (the pwsh under ip netns exec) is ended by its id.
    foreach ($ns in $script:Namespaces) {
        foreach ($procId in @(& ip netns pids $ns 2>$null)) { if ($procId) { Stop-Process -Id ([int]$procId) -Force -ErrorAction SilentlyContinue } }
    }
    foreach ($ns in $script:Namespaces) { & ip netns del $ns 2>$null }
    if ($script:Dir -and (Test-Path $script:Dir)) { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }
}

Describe 'Reachability across a NAT router' {
    It 'links every host, the NATed one through its outbound links' {
        if ($script:SkipReason) { Set-ItResult -Skipped -Because $script:SkipReason; return }
        Wait-Hosts { param($s) @($s.Values | Where-Object Peers -lt 1).Count -eq 0 -and $s.pub1.Peers -ge 3 } -Because 'every node has a link, the entry node three' | Out-Null
    }

    It 'tells the NATed host it is Unreachable and the public ones they are Reachable' {
        if ($script:SkipReason) { Set-ItResult -Skipped -Because $script:SkipReason; return }
        $s = Wait-Hosts { param($s) $s.natted.Reachability -ne 'Unknown' -and @($s.Values | Where-Object { $_.Name -ne 'natted' -and $_.Reachability -ne 'Reachable' }).Count -eq 0 } -Because 'every node has a verdict'
        $s.natted.Reachability | Should -Be 'Unreachable'
        foreach ($name in $script:Public.Keys) { $s[$name].Reachability | Should -Be 'Reachable' }
    }

    It 'carries a broadcast to everyone, the NATed host included' {
        if ($script:SkipReason) { Set-ItResult -Skipped -Because $script:SkipReason; return }
        Set-Content -Path (Join-Path $script:Dir 'say-natted-1.txt') -Value 'hello from behind the router'
        Set-Content -Path (Join-Path $script:Dir 'say-pub3-1.txt') -Value 'hello from pub3'
        Wait-Hosts { param($s)
            @($s.Values | Where-Object { $_.Name -ne 'natted' -and @($_.Received) -notcontains 'hello from behind the router' }).Count -eq 0 -and
            @($s.Values | Where-Object { $_.Name -ne 'pub3' -and @($_.Received) -notcontains 'hello from pub3' }).Count -eq 0
        } -Because 'both broadcasts reached every other node' | Out-Null
    }

    It 'never puts the NATed host into a public host''s address book, so no ADDR answer can name it' {
        if ($script:SkipReason) { Set-ItResult -Skipped -Because $script:SkipReason; return }
        # The public nodes have gossiped by now (they joined through the entry node's ADDR answers); look once more
        # after everyone is linked, so what they learned is in.
        $s = Wait-Hosts { param($s) @($s.Values | Where-Object { $_.Name -ne 'natted' -and $_.Peers -lt 3 }).Count -eq 0 } -Because 'the public nodes hold three links each'
        $nattedId = $s.natted.Id
        foreach ($name in $script:Public.Keys) {
            $book = @($s[$name].Book)
            $book | Where-Object { $_.Address -like "$($script:Private):*" } | Should -BeNullOrEmpty -Because "$name must not know the private address"
            $book | Where-Object { $_.Address -like "$($script:RouterPublic):*" } | Should -BeNullOrEmpty -Because "$name must not know the router's address as a node"
            $book | Where-Object { $_.NodeId -eq $nattedId } | Should -BeNullOrEmpty -Because "$name must not know the NATed node by id"
            # The public nodes are known: they were dialled, or dialled back.
            @($book | Where-Object { $_.Address -like '198.18.0.*' }).Count | Should -BeGreaterThan 0
        }
        $s.pub1.DialBacksDone | Should -BeGreaterOrEqual 3
    }
}
