#Requires -Version 7.0
# Seeing the network (issue #17, protocol.md §11): Get-PeerNetwork, Show-PeerNetwork and Test-PeerNetwork on nodes of
# this session with a known topology (a ring of 8 with one chord), as a user runs them. The map must equal the real
# links and distances; the HTML page is opened in headless Chromium (Debian's chromium package, installed with apt-get
# when the tests run as root; skipped otherwise, with the reason), which takes a screenshot (kept as a test artifact
# in out/test-artifacts) and whose DOM must hold exactly the map's nodes and links.

BeforeDiscovery {
    function Find-Chromium {
        foreach ($name in 'chromium', 'chromium-browser', 'google-chrome') {
            $c = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($c) { return $c.Source }
        }
        $null
    }
    $script:Chromium = Find-Chromium
    $script:NoChromiumReason = $null
    if (-not $script:Chromium) {
        if (-not $IsLinux -or (& id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
            $script:NoChromiumReason = 'chromium is not installed, and only root with apt-get installs it here'
        }
        else {
            & apt-get install -y -qq --no-install-recommends chromium *> $null
            if ($LASTEXITCODE -ne 0) { & apt-get update -qq *> $null; & apt-get install -y -qq --no-install-recommends chromium *> $null }
            $script:Chromium = Find-Chromium
            if (-not $script:Chromium) { $script:NoChromiumReason = 'apt-get install chromium failed' }
        }
    }
    if ($script:NoChromiumReason) { Write-Warning "Headless Chromium test skipped: $script:NoChromiumReason." }
}

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false

    # A ring of 8 (0-1-...-7-0) with the chord 0-4: from node 0 the distances are 0 1 2 2 1 2 2 1.
    $script:Edges = @(@(0, 1), @(1, 2), @(2, 3), @(3, 4), @(4, 5), @(5, 6), @(6, 7), @(7, 0), @(0, 4))
    $script:Distance = @(0, 1, 2, 2, 1, 2, 2, 1)
    $script:Nodes = @(0..7 | ForEach-Object { Start-PeerNode -Name "m$_" -Port 0 -TargetPeers 0 })
    Connect-TestTopology -Nodes $Nodes -Edges $Edges
    $null = Wait-Until -TimeoutSec 20 -Because 'm0 has heard of the 7 other nodes' { @(Get-PeerDirectory -Node $Nodes[0]).Count -eq 7 }

    function Get-PairSet([object[]] $Pairs) {
        @($Pairs | ForEach-Object { (@($_[0], $_[1]) | Sort-Object) -join '|' } | Sort-Object)
    }
    $script:RealPairs = Get-PairSet ($Edges | ForEach-Object { , @($Nodes[$_[0]].Id, $Nodes[$_[1]].Id) })
    $script:Map = @(Get-PeerNetwork -Node $Nodes[0] -TimeoutSec 20)
    $script:MapNodes = @($Map | Where-Object { $_ -is [PSPeerChat.PeerNetworkNode] })
    $script:MapLinks = @($Map | Where-Object { $_ -is [PSPeerChat.PeerNetworkLink] })
    $script:Artifacts = Join-Path (Split-Path -Parent $PSScriptRoot) 'out/test-artifacts'
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Get-PeerNetwork' {
    It 'lists every node as answered, the asker first' {
        $MapNodes | Should -HaveCount 8
        $MapNodes | Where-Object { -not $_.Answered } | Should -BeNullOrEmpty
        $MapNodes[0].IsAsker | Should -BeTrue
        $MapNodes[0].Name | Should -Be 'm0'
    }

    It 'lists exactly the real links, each confirmed by both ends, with a latency' {
        Get-PairSet ($MapLinks | ForEach-Object { , @($_.FromId, $_.ToId) }) | Should -Be $RealPairs
        $MapLinks | Where-Object { -not $_.Confirmed } | Should -BeNullOrEmpty
    }

    It 'gives every node its shortest distance from the asker' {
        for ($i = 0; $i -lt 8; $i++) {
            ($MapNodes | Where-Object Id -eq $Nodes[$i].Id).Hops | Should -Be $Distance[$i] -Because "m$i is $($Distance[$i]) link(s) from m0"
        }
    }

    It 'counts the probe on every node and the reports passed back' {
        $Nodes | Select-Object -Skip 1 | ForEach-Object { $_.ProbesAnswered | Should -BeGreaterOrEqual 1 -Because "$($_.Name) answered the crawl" }
        # Nodes two links away answer through a neighbour of m0: their reports were passed back.
        ($Nodes | Measure-Object -Property ReportsForwarded -Sum).Sum | Should -BeGreaterOrEqual 4
    }
}

Describe 'Show-PeerNetwork' {
    It 'writes a self-contained page with every node and link' {
        $file = $Map | Show-PeerNetwork -Path (Join-Path $TestDrive 'map.html')
        $file | Should -BeOfType [System.IO.FileInfo]
        $html = Get-Content -Raw $file.FullName
        [regex]::Matches($html, '<g class="node ').Count | Should -Be 8
        [regex]::Matches($html, '<line class="link ').Count | Should -Be 9
        $html | Should -Match ('class="node asker" data-id="' + $Nodes[0].Id)
        $html | Should -Match "default-src 'none'"
    }

    It 'writes DOT and Mermaid text to the pipeline' {
        $dot = $Map | Show-PeerNetwork -Format Dot
        $dot | Should -BeOfType [string]
        [regex]::Matches($dot, '" -- "').Count | Should -Be 9
        $mermaid = $Map | Show-PeerNetwork -Format Mermaid
        [regex]::Matches($mermaid, '(?m)^  n\d+ (---|-\.-)').Count | Should -Be 9
        $mermaid | Should -Match 'class n0 asker'
    }

    It 'crawls by itself when nothing is piped in' {
        $html = Show-PeerNetwork -Node $Nodes[3] -TimeoutSec 20
        [regex]::Matches($html, '<g class="node ').Count | Should -BeGreaterOrEqual 8
        $html | Should -Match ('class="node asker" data-id="' + $Nodes[3].Id)
    }

    It 'refuses objects that are not a map with NotANetworkObject' {
        $err = Get-ErrorRecord { 'not a map' | Show-PeerNetwork -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'NotANetworkObject*'
    }
}

Describe 'Test-PeerNetwork' {
    It 'reaches every node of the directory, with hop counts from the ring' {
        $result = Test-PeerNetwork -Node $Nodes[0] -Count 3 -TimeoutSec 20
        $result.Reach | Should -Be 100
        $result.Expected | Should -Be 7
        ($result.Nodes | Where-Object Received -eq 3) | Should -HaveCount 7
        ($result.HopCounts.Values | Measure-Object -Sum).Sum | Should -Be 21
        $result.Outliers | Should -BeNullOrEmpty
        # The first copy wins by time; on this ring its path is the shortest or one link longer.
        foreach ($n in $result.Nodes) {
            $i = [array]::IndexOf(@($Nodes.Id), $n.Id)
            $n.Hops | Should -BeIn @($Distance[$i], ($Distance[$i] + 1)) -Because "m$i is $($Distance[$i]) link(s) away"
        }
        $result.RoundTripP99Ms | Should -BeGreaterOrEqual $result.RoundTripP50Ms
    }
}

Describe 'The map in headless Chromium' -Skip:($null -ne $NoChromiumReason) {
    It 'renders the page: a screenshot, and the DOM holds every node and link' {
        $page = Join-Path $TestDrive 'chromium-map.html'
        $Map | Show-PeerNetwork -Path $page | Out-Null
        $null = New-Item -ItemType Directory -Force -Path $Artifacts
        $shot = Join-Path $Artifacts 'network-map.png'
        Remove-Item -LiteralPath $shot -ErrorAction SilentlyContinue
        $profileDir = Join-Path $TestDrive 'chromium-profile'
        $common = @('--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars', "--user-data-dir=$profileDir", '--window-size=1100,1100')
        $url = [System.Uri]::new((Resolve-Path -LiteralPath $page).ProviderPath).AbsoluteUri
        & $Chromium @common "--screenshot=$shot" $url 2>&1 | Out-Null
        Test-Path -LiteralPath $shot | Should -BeTrue -Because 'Chromium wrote the screenshot'
        (Get-Item $shot).Length | Should -BeGreaterThan 10000
        $dom = (& $Chromium @common '--dump-dom' $url 2>$null) -join "`n"
        [regex]::Matches($dom, '<g class="node ').Count | Should -Be 8
        [regex]::Matches($dom, '<line class="link ').Count | Should -Be 9
        [regex]::Matches($dom, '<tr><td>').Count | Should -Be 8
    }
}

Describe 'A node that declines network maps' {
    # Last: its node stays in the directory of m0 after it stops, so a reach test after it would expect it.
    It 'shows a node that declines as declined, its links known from its neighbour only' {
        $shy = Start-PeerNode -Name 'shy' -Port 0 -TargetPeers 0 -DeclineNetworkProbes
        try {
            Connect-Peer -Node $Nodes[7] -Address "127.0.0.1:$($shy.Port)" | Out-Null
            $null = Wait-Until -TimeoutSec 10 -Because 'shy is linked to m7' { @(Get-Peer -Node $shy).Count -eq 1 }
            $map = @(Get-PeerNetwork -Node $Nodes[0] -TimeoutSec 20)
            $node = $map | Where-Object { $_ -is [PSPeerChat.PeerNetworkNode] -and $_.Name -eq 'shy' }
            $node.Declined | Should -BeTrue
            $link = $map | Where-Object { $_ -is [PSPeerChat.PeerNetworkLink] -and ($_.FromId, $_.ToId) -contains $shy.Id }
            $link | Should -HaveCount 1
            $link.Confirmed | Should -BeFalse
            $node.Hops | Should -Be 2
        }
        finally { Stop-PeerNode $shy -Confirm:$false }
    }
}
