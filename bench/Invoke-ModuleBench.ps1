#Requires -Version 7.0
<#
.SYNOPSIS
    The shared broadcast-flood workload (shared/bench/SPEC.md) through the PSPeerChat cmdlets, in this one session.

.DESCRIPTION
    N nodes (Start-PeerNode -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0), node i dials (i+1) mod N and
    (i+5) mod N with Connect-Peer, the bench checks every node holds exactly its topology neighbours (Get-Peer),
    waits for the directories and the ANNOUNCE flood to settle, warms up (every node broadcasts once, all
    N*(N-1) deliveries), pauses 500 ms, then sends M messages round-robin with Send-PeerMessage and takes the
    deliveries out with Receive-PeerMessage, sweeping every node after each round of N sends (unpaced) or while
    waiting for the next send (paced), then until all arrived; sweeps start at most every -SweepIntervalMs, so the
    script does not take a core from the engine. One session is one thread: the sweep's lag is part of the
    module's latency.
    Latency is receipt minus the send timestamp carried in the text, both on [Diagnostics.Stopwatch].

    Then receivePerSec: one node's inbox is filled with -FillMessages messages from a neighbour (signed, as
    shipped), and `Receive-PeerMessage -Node x | Measure-Object` is timed.

    Prints one JSON line (level "module") and one readable line. Exit code 0 when every delivery arrived once.

.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Invoke-ModuleBench.ps1 -ModulePath out/PSPeerChat/PSPeerChat.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$ModulePath,

    [ValidateRange(2, 999)]
    [int]$Nodes = 20,

    [ValidateRange(1, 10000000)]
    [int]$Messages = 2000,

    # Messages per second; 0 sends as fast as the script can.
    [ValidateRange(0, 1000000)]
    [double]$Rate = 0,

    # Sweeps of every inbox start at most this often while waiting (each is N Receive-PeerMessage calls).
    [ValidateRange(1, 1000)]
    [int]$SweepIntervalMs = 5,

    # Messages put in one inbox for the receivePerSec figure; 0 skips it.
    [ValidateRange(0, 10000000)]
    [int]$FillMessages = 100000,

    [switch]$JsonOnly
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

Import-Module $ModulePath -Force
$moduleDir = Split-Path -Parent (Get-Module PSPeerChat).Path
$bouncyCastle = Join-Path $moduleDir 'BouncyCastle.Cryptography.dll'
# Loads BouncyCastle (the engine loads it on first use) so the helper below binds to the same assembly.
Add-Type -Path $bouncyCastle

# Bookkeeping in C#, so the figures measure the cmdlets and not this script's arithmetic: payloads, the
# per-(node, message) record, percentiles, and the one-core Ed25519 figures (BouncyCastle, as in the engine bench).
# With -ReferencedAssemblies, Add-Type's default references must be named too.
$references = @($bouncyCastle, [PSPeerChat.PeerMessage].Assembly.Location, 'netstandard', 'System.Runtime', 'System.Collections', 'System.Management.Automation')
Add-Type -ReferencedAssemblies $references -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;
using Org.BouncyCastle.Security;
using PSPeerChat;

namespace PSPeerChatBench
{
    public sealed class Recorder
    {
        private readonly int _n;
        private readonly int _m;
        private readonly bool[][] _seen;
        private readonly bool[][] _warm;
        private readonly long[] _sendUtc;
        private readonly List<long> _lat;
        private readonly List<long> _engineLat;
        private long[] _sortedLat;
        private long[] _sortedEngine;

        public long Delivered;
        public long WarmDelivered;
        public long AppDuplicates;
        public long SelfEchoes;
        public long Foreign;
        public long LastDeliveryTicks;
        public long FirstSendTicks;

        public Recorder(int n, int m)
        {
            _n = n;
            _m = m;
            _seen = new bool[n][];
            _warm = new bool[n][];
            for (int i = 0; i < n; i++) { _seen[i] = new bool[m]; _warm[i] = new bool[n]; }
            _sendUtc = new long[m];
            _lat = new List<long>(m * (n - 1));
            _engineLat = new List<long>(m * (n - 1));
        }

        // 'M' | send ticks (19) | '|' | k (8) | '|' | origin (4) | '|module|' | filler to 100 ASCII bytes (as the engine bench).
        public static string Payload(char kind, long ticks, int k, int origin)
        {
            var b = new StringBuilder(100);
            b.Append(kind).Append(ticks.ToString("D19", CultureInfo.InvariantCulture));
            b.Append('|').Append(k.ToString("D8", CultureInfo.InvariantCulture));
            b.Append('|').Append(origin.ToString("D4", CultureInfo.InvariantCulture)).Append("|module|");
            while (b.Length < 100) b.Append((char)('a' + (b.Length + k) % 26));
            return b.ToString();
        }

        /// <summary>The text of message k, stamped now.</summary>
        public string Next(int k, int origin)
        {
            long ticks = Stopwatch.GetTimestamp();
            if (k == 0) FirstSendTicks = ticks;
            _sendUtc[k] = DateTime.UtcNow.Ticks;
            return Payload('M', ticks, k, origin);
        }

        public static string[] Texts(int count)
        {
            var texts = new string[count];
            for (int i = 0; i < count; i++) texts[i] = Payload('F', Stopwatch.GetTimestamp(), i, 0);
            return texts;
        }

        private static long Digits(string s, int start, int count)
        {
            long v = 0;
            for (int i = start; i < start + count; i++)
            {
                int d = s[i] - '0';
                if ((uint)d > 9) return -1;
                v = v * 10 + d;
            }
            return v;
        }

        /// <summary>Records what one Receive-PeerMessage of node <paramref name="node"/> returned, received at <paramref name="now"/>.</summary>
        public int Record(int node, object[] received, long now)
        {
            if (received == null) return 0;
            int n = 0;
            foreach (object o in received)
            {
                object b = o is System.Management.Automation.PSObject ps ? ps.BaseObject : o;
                if (!(b is PeerMessage m)) { Foreign++; continue; }
                n++;
                string t = m.Text;
                if (t == null || t.Length < 35 || (t[0] != 'M' && t[0] != 'W')) { Foreign++; continue; }
                int origin = (int)Digits(t, 30, 4);
                if (origin == node) { SelfEchoes++; continue; }
                if (origin < 0 || origin >= _n) { Foreign++; continue; }
                if (t[0] == 'W')
                {
                    if (_warm[node][origin]) AppDuplicates++;
                    else { _warm[node][origin] = true; WarmDelivered++; }
                    continue;
                }
                long k = Digits(t, 21, 8);
                long sent = Digits(t, 1, 19);
                if (k < 0 || k >= _m || sent < 0) { Foreign++; continue; }
                if (_seen[node][k]) { AppDuplicates++; continue; }
                _seen[node][k] = true;
                _lat.Add(now - sent);
                _engineLat.Add(m.ReceivedAt.UtcTicks - _sendUtc[k]);
                if (now > LastDeliveryTicks) LastDeliveryTicks = now;
                Delivered++;
            }
            return n;
        }

        private static double Rank(long[] sorted, double q)
        {
            if (sorted.Length == 0) return 0;
            int r = (int)Math.Ceiling(q * sorted.Length) - 1;
            return sorted[Math.Min(sorted.Length - 1, Math.Max(0, r))];
        }

        public void Finish()
        {
            _sortedLat = _lat.ToArray();
            Array.Sort(_sortedLat);
            _sortedEngine = _engineLat.ToArray();
            Array.Sort(_sortedEngine);
        }

        public double LatencyMs(double q) => Math.Round(Rank(_sortedLat, q) * 1000.0 / Stopwatch.Frequency, 3);
        public double EngineLatencyMs(double q) => Math.Round(Rank(_sortedEngine, q) / 10000.0, 3);
    }

    public static class Crypto
    {
        /// <summary>verify/s, sign/s on one core (best of 3 passes over 2000 signatures of 200 bytes, after 0.5 s of warm-up each).</summary>
        public static double[] Measure()
        {
            const int count = 2000;
            var random = new SecureRandom();
            var priv = new Ed25519PrivateKeyParameters(random);
            var pub = new Ed25519PublicKeyParameters(priv.GeneratePublicKey().GetEncoded(), 0);
            var msgs = new byte[count][];
            var sigs = new byte[count][];
            for (int i = 0; i < count; i++) { msgs[i] = new byte[200]; random.NextBytes(msgs[i]); sigs[i] = new byte[Ed25519.SignatureSize]; }
            var clock = Stopwatch.StartNew();
            for (int i = 0; clock.ElapsedMilliseconds < 500; i = (i + 1) % count) priv.Sign(Ed25519.Algorithm.Ed25519, null, msgs[i], 0, 200, sigs[i], 0);
            double sign = 0;
            for (int p = 0; p < 3; p++)
            {
                clock.Restart();
                for (int i = 0; i < count; i++) priv.Sign(Ed25519.Algorithm.Ed25519, null, msgs[i], 0, 200, sigs[i], 0);
                sign = Math.Max(sign, count / clock.Elapsed.TotalSeconds);
            }
            bool ok = true;
            clock.Restart();
            for (int i = 0; clock.ElapsedMilliseconds < 500; i = (i + 1) % count) ok &= pub.Verify(Ed25519.Algorithm.Ed25519, null, msgs[i], 0, 200, sigs[i], 0);
            double verify = 0;
            for (int p = 0; p < 3; p++)
            {
                clock.Restart();
                for (int i = 0; i < count; i++) ok &= pub.Verify(Ed25519.Algorithm.Ed25519, null, msgs[i], 0, 200, sigs[i], 0);
                verify = Math.Max(verify, count / clock.Elapsed.TotalSeconds);
            }
            if (!ok) throw new InvalidOperationException("a BouncyCastle signature did not verify");
            return new[] { verify, sign };
        }
    }
}
'@

function Write-Log([string]$Text) { [Console]::Error.WriteLine("[module-bench] $Text") }

$N = $Nodes
$M = $Messages
$clockType = [System.Diagnostics.Stopwatch]
$freq = [double][System.Diagnostics.Stopwatch]::Frequency
$proc = [System.Diagnostics.Process]::GetCurrentProcess()
$exitCode = 0

# The machine is shared: the 1-minute load average at the start tells how noisy the run was.
$loadAvg = if (Test-Path /proc/loadavg) { [double]::Parse((Get-Content /proc/loadavg -Raw).Split(' ')[0], [Globalization.CultureInfo]::InvariantCulture) } else { $null }
$crypto = [PSPeerChatBench.Crypto]::Measure()
$verifyPerSec = $crypto[0]
$signPerSec = $crypto[1]

# ---------------------------------------------------------------- network
$setup = [System.Diagnostics.Stopwatch]::StartNew()
$nodeList = [System.Collections.Generic.List[object]]::new()
try {
    for ($i = 0; $i -lt $N; $i++) {
        $nodeList.Add((Start-PeerNode -Name ('mbench{0:D2}' -f $i) -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -InboxCapacity 1000000))
    }
    $node = $nodeList.ToArray()

    # i dials (i+1) mod N and (i+5) mod N; undirected duplicates and self-links dropped.
    $edges = [System.Collections.Generic.List[object]]::new()
    $seenEdge = [System.Collections.Generic.HashSet[string]]::new()
    for ($i = 0; $i -lt $N; $i++) {
        foreach ($j in @((($i + 1) % $N), (($i + 5) % $N))) {
            if ($j -eq $i) { continue }
            if ($seenEdge.Add(('{0}-{1}' -f [Math]::Min($i, $j), [Math]::Max($i, $j)))) { $edges.Add(@($i, $j)) }
        }
    }
    foreach ($e in $edges) {
        $null = Connect-Peer -Node $node[$e[0]] -Address ('127.0.0.1:{0}' -f $node[$e[1]].Port)
    }

    # Every node holds exactly its topology neighbours, by node id.
    $expectedIds = [object[]]::new($N)
    for ($i = 0; $i -lt $N; $i++) { $expectedIds[$i] = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase) }
    foreach ($e in $edges) {
        $null = $expectedIds[$e[0]].Add($node[$e[1]].Id)
        $null = $expectedIds[$e[1]].Add($node[$e[0]].Id)
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ($true) {
        $problem = $null
        for ($i = 0; $i -lt $N -and -not $problem; $i++) {
            $peers = @(Get-Peer -Node $node[$i])
            $ids = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
            foreach ($p in $peers) { if ($p.State -eq 'Connected' -and $p.Protocol -eq 'PeerChat') { $null = $ids.Add($p.Id) } }
            if ($peers.Count -ne $expectedIds[$i].Count -or -not $ids.SetEquals($expectedIds[$i])) {
                $problem = "node $i holds $($peers.Count) links, expected $($expectedIds[$i].Count)"
            }
        }
        if (-not $problem) { break }
        if ([DateTime]::UtcNow -gt $deadline) { throw "topology not reached: $problem" }
        Start-Sleep -Milliseconds 20
    }

    # Not timed: the directories fill and the ANNOUNCE flood dies down (no signature checked for 2.5 s).
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (@($node | Where-Object { @(Get-PeerDirectory -Node $_).Count -lt $N - 1 }).Count -gt 0) {
        if ([DateTime]::UtcNow -gt $deadline) { Write-Log 'directories incomplete after 15 s; going on'; break }
        Start-Sleep -Milliseconds 50
    }
    $last = ($node | Measure-Object -Property SignaturesVerified -Sum).Sum
    $quiet = [System.Diagnostics.Stopwatch]::StartNew()
    while ($quiet.ElapsedMilliseconds -lt 2500 -and $setup.Elapsed.TotalSeconds -lt 35) {
        Start-Sleep -Milliseconds 100
        $now = ($node | Measure-Object -Property SignaturesVerified -Sum).Sum
        if ($now -ne $last) { $last = $now; $quiet.Restart() }
    }
    Write-Log ("{0} nodes, {1} links up, directories settled in {2:N0} ms" -f $N, $edges.Count, $setup.ElapsedMilliseconds)

    $rec = [PSPeerChatBench.Recorder]::new($N, $M)

    # One sweep: every node's inbox through Receive-PeerMessage; returns how many messages came out.
    function Invoke-Sweep {
        $total = 0
        for ($s = 0; $s -lt $N; $s++) {
            $got = @(Receive-PeerMessage -Node $node[$s])
            if ($got.Count -gt 0) {
                $total += $rec.Record($s, $got, [System.Diagnostics.Stopwatch]::GetTimestamp())
            }
        }
        $total
    }

    # ---------------------------------------------------------------- warm-up
    for ($i = 0; $i -lt $N; $i++) {
        Send-PeerMessage -Node $node[$i] -Text ([PSPeerChatBench.Recorder]::Payload('W', [System.Diagnostics.Stopwatch]::GetTimestamp(), 0, $i))
    }
    $warmExpected = $N * ($N - 1)
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ($rec.WarmDelivered -lt $warmExpected) {
        if ((Invoke-Sweep) -eq 0) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "warm-up: $($rec.WarmDelivered) of $warmExpected deliveries after 20 s" }
            Start-Sleep -Milliseconds 1
        }
    }
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    Start-Sleep -Milliseconds 500

    # ---------------------------------------------------------------- measured phase
    $sum = { param($name) [long](($node | Measure-Object -Property $name -Sum).Sum) }
    $dup0 = & $sum DuplicatesDropped; $ver0 = & $sum SignaturesVerified; $drop0 = & $sum SendDrops; $inbox0 = & $sum InboxDropped
    $proc.Refresh()
    $cpu0 = $proc.TotalProcessorTime
    $g0 = [GC]::CollectionCount(0); $g1 = [GC]::CollectionCount(1); $g2 = [GC]::CollectionCount(2)
    $alloc0 = [GC]::GetTotalAllocatedBytes($true)
    $rssPeak = $proc.WorkingSet64
    $inflightMax = 0; $inflightSum = 0.0; $inflightSamples = 0
    $nextSample = [System.Diagnostics.Stopwatch]::GetTimestamp()
    $sampleEvery = [long]($freq / 10)
    $expected = [long]$M * ($N - 1)
    $sent = 0
    $ticksPerMessage = if ($Rate -gt 0) { $freq / $Rate } else { 0 }
    $sweepTicks = [long]($SweepIntervalMs * $freq / 1000)
    $start = [System.Diagnostics.Stopwatch]::GetTimestamp()
    $lastSendTicks = $start

    for ($k = 0; $k -lt $M; $k++) {
        if ($Rate -gt 0) {
            $due = $start + [long]($k * $ticksPerMessage)
            while ($due -gt [System.Diagnostics.Stopwatch]::GetTimestamp()) {
                $swept = [System.Diagnostics.Stopwatch]::GetTimestamp()
                $null = Invoke-Sweep
                # Not more often than every SweepIntervalMs, and never past the next send.
                $next = [Math]::Min($due, $swept + $sweepTicks)
                $pause = [int][Math]::Floor(($next - [System.Diagnostics.Stopwatch]::GetTimestamp()) * 1000 / $freq)
                if ($pause -ge 1) { Start-Sleep -Milliseconds $pause }
            }
        }
        $origin = $k % $N
        Send-PeerMessage -Node $node[$origin] -Text $rec.Next($k, $origin)
        $sent++
        $lastSendTicks = [System.Diagnostics.Stopwatch]::GetTimestamp()
        if ($Rate -eq 0 -and ($k + 1) % $N -eq 0) { $null = Invoke-Sweep }
        if ($lastSendTicks -ge $nextSample) {
            $nextSample = $lastSendTicks + $sampleEvery
            $proc.Refresh(); $rssPeak = [Math]::Max($rssPeak, $proc.WorkingSet64)
            $inflight = [Math]::Max(0, $sent - [Math]::Floor($rec.Delivered / ($N - 1)))
            $inflightMax = [Math]::Max($inflightMax, $inflight); $inflightSum += $inflight; $inflightSamples++
        }
    }
    $complete = $true
    $lastProgress = [System.Diagnostics.Stopwatch]::GetTimestamp()
    while ($rec.Delivered -lt $expected) {
        $now = [System.Diagnostics.Stopwatch]::GetTimestamp()
        if ((Invoke-Sweep) -gt 0) { $lastProgress = $now }
        elseif (($now - $lastProgress) / $freq -gt 20) { $complete = $false; break }
        # A sweep as soon as the last one ended would take a core from the engine (two in all on the reference machine).
        $pause = [int][Math]::Floor(($now + $sweepTicks - [System.Diagnostics.Stopwatch]::GetTimestamp()) * 1000 / $freq)
        if ($pause -ge 1) { Start-Sleep -Milliseconds $pause }
        if ($now -ge $nextSample) {
            $nextSample = $now + $sampleEvery
            $proc.Refresh(); $rssPeak = [Math]::Max($rssPeak, $proc.WorkingSet64)
            $inflight = [Math]::Max(0, $sent - [Math]::Floor($rec.Delivered / ($N - 1)))
            $inflightMax = [Math]::Max($inflightMax, $inflight); $inflightSum += $inflight; $inflightSamples++
        }
    }
    $doneTicks = [System.Diagnostics.Stopwatch]::GetTimestamp()
    $proc.Refresh()
    $cpu1 = $proc.TotalProcessorTime
    $alloc1 = [GC]::GetTotalAllocatedBytes($true)
    $gc0 = [GC]::CollectionCount(0) - $g0; $gc1 = [GC]::CollectionCount(1) - $g1; $gc2 = [GC]::CollectionCount(2) - $g2
    $rssEnd = $proc.WorkingSet64
    $rssPeak = [Math]::Max($rssPeak, $rssEnd)
    $verified = (& $sum SignaturesVerified) - $ver0
    $sendDrops = (& $sum SendDrops) - $drop0
    # Where a missing delivery could have gone: refused as a replay, a bad frame, a link that closed mid-run.
    $replaysRefused = & $sum ReplaysRefused
    $invalidFrames = (& $sum InvalidFrames) + (& $sum InvalidSignatures)
    $engineDelivered = & $sum MessagesDelivered
    $linksNow = (& $sum PeerCount)
    $inboxDrops = (& $sum InboxDropped) - $inbox0
    # Stragglers (duplicates, echoes) would show up now.
    Start-Sleep -Milliseconds 200
    $null = Invoke-Sweep
    $dup = (& $sum DuplicatesDropped) - $dup0

    $rec.Finish()
    $delivered = $rec.Delivered
    $lastDelivery = if ($complete -and $rec.LastDeliveryTicks -gt $rec.FirstSendTicks) { $rec.LastDeliveryTicks } else { $doneTicks }
    $wallSec = ($lastDelivery - $rec.FirstSendTicks) / $freq
    $sendSec = ($lastSendTicks - $rec.FirstSendTicks) / $freq
    $cpuSec = ($cpu1 - $cpu0).TotalSeconds
    $cores = [Environment]::ProcessorCount
}
finally {
    Get-PeerNode | Where-Object Name -like 'mbench*' | Stop-PeerNode -Confirm:$false
}

# ---------------------------------------------------------------- receivePerSec
$receivePerSec = $null; $receiveCount = 0; $receiveSec = $null; $fillSec = $null; $fillSendPerSec = $null
if ($FillMessages -gt 0) {
    try {
        $a = Start-PeerNode -Name mbenchFillA -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -InboxCapacity ([Math]::Max(10000, 2 * $FillMessages)) -InboxBytes 1GB
        $b = Start-PeerNode -Name mbenchFillB -Port 0 -ListenAddress 127.0.0.1 -TargetPeers 0 -InboxCapacity 1000
        $null = Connect-Peer -Node $b -Address ('127.0.0.1:{0}' -f $a.Port)
        Start-Sleep -Milliseconds 200
        $null = Receive-PeerMessage -Node $a
        $texts = [PSPeerChatBench.Recorder]::Texts($FillMessages)
        $fill = [System.Diagnostics.Stopwatch]::StartNew()
        $texts | Send-PeerMessage -Node $b
        $fillSendPerSec = $FillMessages / $fill.Elapsed.TotalSeconds
        $lastCount = -1; $lastChange = [System.Diagnostics.Stopwatch]::StartNew()
        while ($a.InboxCount -lt $FillMessages) {
            if ($a.InboxCount -ne $lastCount) { $lastCount = $a.InboxCount; $lastChange.Restart() }
            if ($lastChange.Elapsed.TotalSeconds -gt 20) { throw "fill: $($a.InboxCount) of $FillMessages messages in the inbox, no progress for 20 s" }
            Start-Sleep -Milliseconds 20
        }
        $fillSec = $fill.Elapsed.TotalSeconds
        $t = [System.Diagnostics.Stopwatch]::StartNew()
        $receiveCount = (Receive-PeerMessage -Node $a | Measure-Object).Count
        $receiveSec = $t.Elapsed.TotalSeconds
        $receivePerSec = $receiveCount / $receiveSec
    }
    catch {
        Write-Log "receivePerSec: $_"
        $exitCode = 1
    }
    finally {
        Get-PeerNode | Where-Object Name -like 'mbenchFill*' | Stop-PeerNode -Confirm:$false
    }
}

# ---------------------------------------------------------------- report
function Get-Rounded([double]$Value, [int]$Digits) { [Math]::Round($Value, $Digits) }
$deliveriesPerSec = $delivered / $wallSec
$result = [ordered]@{
    system                    = 'PSPeerChat'
    level                     = 'module'
    nodes                     = $N
    messages                  = $M
    rate                      = $Rate
    signed                    = $true
    consumer                  = "Receive-PeerMessage sweep every $SweepIntervalMs ms"
    run                       = '1'
    complete                  = ($complete -and $delivered -eq $expected)
    deliveryRatio             = Get-Rounded ($delivered / $expected) 6
    delivered                 = $delivered
    expected                  = $expected
    wallMs                    = Get-Rounded ($wallSec * 1000) 1
    deliveriesPerSec          = Get-Rounded $deliveriesPerSec 1
    messagesPerSec            = Get-Rounded ($M / $wallSec) 1
    sendRate                  = if ($sendSec -gt 0) { Get-Rounded (($M - 1) / $sendSec) 1 } else { 0 }
    latencyMs                 = [ordered]@{ p50 = $rec.LatencyMs(0.5); p90 = $rec.LatencyMs(0.9); p99 = $rec.LatencyMs(0.99); max = $rec.LatencyMs(1.0) }
    engineLatencyMs           = [ordered]@{ p50 = $rec.EngineLatencyMs(0.5); p99 = $rec.EngineLatencyMs(0.99) }
    duplicates                = Get-Rounded ($dup / $M) 3
    duplicatesDropped         = $dup
    appDuplicates             = $rec.AppDuplicates
    selfEchoes                = $rec.SelfEchoes
    inFlight                  = [ordered]@{ max = $inflightMax; mean = Get-Rounded ($(if ($inflightSamples) { $inflightSum / $inflightSamples } else { 0 })) 1 }
    signaturesVerified        = $verified
    sendDrops                 = $sendDrops
    replaysRefused            = $replaysRefused
    invalid                   = $invalidFrames
    engineDeliveredTotal      = $engineDelivered
    linkEndsAtEnd             = $linksNow
    inboxDropped              = $inboxDrops
    rssMB                     = [ordered]@{ end = Get-Rounded ($rssEnd / 1MB) 1; peak = Get-Rounded ($rssPeak / 1MB) 1 }
    cpuSec                    = Get-Rounded $cpuSec 3
    cpuCores                  = Get-Rounded ($cpuSec / $wallSec) 2
    gc                        = [ordered]@{ gen0 = $gc0; gen1 = $gc1; gen2 = $gc2 }
    allocatedMB               = Get-Rounded (($alloc1 - $alloc0) / 1MB) 1
    allocatedBytesPerDelivery = Get-Rounded (($alloc1 - $alloc0) / [Math]::Max(1, $delivered)) 0
    verifyPerSecCore          = Get-Rounded $verifyPerSec 0
    signPerSecCore            = Get-Rounded $signPerSec 0
    coresUsed                 = $cores
    verificationBoundFraction = Get-Rounded ($deliveriesPerSec / ($verifyPerSec * $cores)) 3
    links                     = $edges.Count
    loadAvg1                  = $loadAvg
    fillMessages              = $FillMessages
    fillSec                   = if ($null -ne $fillSec) { Get-Rounded $fillSec 2 } else { $null }
    fillSendPerSec            = if ($null -ne $fillSendPerSec) { Get-Rounded $fillSendPerSec 0 } else { $null }
    receiveCount              = $receiveCount
    receivePerSec             = if ($null -ne $receivePerSec) { Get-Rounded $receivePerSec 0 } else { $null }
}
if (-not $result.complete) { $exitCode = 2; $result['error'] = 'deliveries missing or no progress for 20 s' }
if ($rec.AppDuplicates -ne 0 -or $rec.SelfEchoes -ne 0) { $exitCode = 2 }
$result | ConvertTo-Json -Compress -Depth 4 | Write-Output

if (-not $JsonOnly) {
    $c = [Globalization.CultureInfo]::InvariantCulture
    $mode = if ($Rate -gt 0) { "paced $Rate/s" } else { 'unpaced' }
    $text = [string]::Format($c,
        'module signed N={0} M={1} {2}: {3:N0}/{4:N0} delivered (ratio {5:0.####}) in {6:N0} ms = {7:N0} deliveries/s, {8:N1} msgs/s (sent at {9:N0}/s); ' +
        'latency p50 {10:0.##} p90 {11:0.##} p99 {12:0.##} max {13:0.##} ms (engine p50 {14:0.##} p99 {15:0.##}); duplicates {16:0.##}/msg, app duplicates {17}, self-echoes {18}; ' +
        'in flight max {19:N0}; RSS {20:N0} MB end, {21:N0} MB peak; CPU {22:N2} s ({23:0.##} cores); GC {24}/{25}/{26}, {27:N0} MB allocated; ' +
        'verify {28:N0}/s/core -> {29:P0} of the {30}-core bound',
        $N, $M, $mode, $delivered, $expected, $result.deliveryRatio, $result.wallMs, $result.deliveriesPerSec, $result.messagesPerSec, $result.sendRate,
        $result.latencyMs.p50, $result.latencyMs.p90, $result.latencyMs.p99, $result.latencyMs.max, $result.engineLatencyMs.p50, $result.engineLatencyMs.p99,
        $result.duplicates, $result.appDuplicates, $result.selfEchoes, $inflightMax, $result.rssMB.end, $result.rssMB.peak, $result.cpuSec, $result.cpuCores,
        $gc0, $gc1, $gc2, $result.allocatedMB, $result.verifyPerSecCore, $result.verificationBoundFraction, $cores)
    if ($null -ne $receivePerSec) {
        $text += [string]::Format($c, '; Receive-PeerMessage | Measure-Object: {0:N0} messages/s ({1:N0} in {2:N2} s; the inbox was filled at {3:N0} sends/s)',
            $receivePerSec, $receiveCount, $receiveSec, $fillSendPerSec)
    }
    if (-not $result.complete) { $text += ' INCOMPLETE' }
    Write-Output $text
}
exit $exitCode
