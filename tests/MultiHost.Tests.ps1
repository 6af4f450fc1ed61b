#Requires -Version 7.0
<#
    Nodes on separate hosts (issue #15): each host is a Linux network namespace on a bridge of its own
    (tests/MultiHost.psm1), each node a pwsh process of its own in its host. Needs root and iproute2, as in CI;
    elsewhere every test is skipped with the reason. All traffic stays inside the namespaces made here.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MultiHost.psm1') -Force
    $script:reason = Get-TestLanUnsupportedReason

    function Wait-Delivered([object]$Lan, [string[]]$HostNames, [string]$Text, [double]$TimeoutSec = 20) {
        foreach ($h in $HostNames) {
            Wait-Until { @(Get-TestNodeMessages $Lan $h | Where-Object Text -EQ $Text).Count -ge 1 } -TimeoutSec $TimeoutSec `
                -Because "$h should receive '$Text' (its errors: $(Get-TestNodeErrors $Lan $h))" | Out-Null
        }
    }
}

Describe 'Two hosts of one LAN, no address typed' -Tag 'MultiHost' {
    BeforeAll {
        if ($script:reason) { return }
        $script:lan = New-TestLan -Hosts 2
        Start-TestNode -Lan $lan -HostName h1 -Parameters @{ LanDiscovery = $true } | Out-Null
        Start-TestNode -Lan $lan -HostName h2 -Parameters @{ LanDiscovery = $true } | Out-Null
    }
    AfterAll {
        if ($script:lan) { Remove-TestLan -Lan $script:lan }
    }

    It 'link through LAN discovery and chat: a broadcast and a direct message arrive' {
        if ($script:reason) { Set-ItResult -Skipped -Because $script:reason; return }
        Wait-Until { (Get-TestNodeState $lan h1).Peers -contains 'h2' -and (Get-TestNodeState $lan h2).Peers -contains 'h1' } -TimeoutSec 20 `
            -Because 'each node should hear the other on the LAN and link' | Out-Null
        # Nothing was typed: the link came from what one of them heard (the first to hear dials; the other may not have
        # heard an announcement yet). Once dialled, a heard address is relabelled Connected in the book, so the
        # announcements heard are the evidence, not the book's source column.
        ((Get-TestNodeState $lan h1).LanAnnouncementsHeard + (Get-TestNodeState $lan h2).LanAnnouncementsHeard) | Should -BeGreaterThan 0 -Because 'one node heard the other on the LAN'
        Send-TestNodeCommand $lan h1 'broadcast hello from h1'
        Send-TestNodeCommand $lan h2 'direct h1 psst from h2'
        Wait-Delivered $lan 'h2' 'hello from h1'
        Wait-Delivered $lan 'h1' 'psst from h2'
        (Get-TestNodeMessages $lan h1 | Where-Object Text -EQ 'psst from h2').IsDirect | Should -BeTrue
    }
}

Describe 'Hosts joined through one entry' -Tag 'MultiHost' {
    BeforeAll {
        if ($script:reason) { return }
        $script:lan = New-TestLan -Hosts 4
        $script:names = 'h1', 'h2', 'h3', 'h4'
        $entry = Start-TestNode -Lan $lan -HostName h1
        $script:bootstrap = "10.77.0.1:$($entry.Port)"
        foreach ($h in 'h2', 'h3', 'h4') { Start-TestNode -Lan $lan -HostName $h -Parameters @{ Bootstrap = @($bootstrap) } | Out-Null }
    }
    AfterAll {
        if ($script:lan) { Remove-TestLan -Lan $script:lan }
    }

    It 'all link (no LAN discovery: only the entry is typed) and a broadcast from each reaches all' {
        if ($script:reason) { Set-ItResult -Skipped -Because $script:reason; return }
        foreach ($h in $names) {
            Wait-Until { (Get-TestNodeState $lan $h).Peers.Count -eq 3 } -TimeoutSec 30 -Because "$h should link to the three others (it has: $((Get-TestNodeState $lan $h).Peers -join ', '))" | Out-Null
        }
        foreach ($h in $names) { Send-TestNodeCommand $lan $h "broadcast all from $h" }
        foreach ($h in $names) { Wait-Delivered $lan @($names | Where-Object { $_ -ne $h }) "all from $h" }
        foreach ($h in $names) { (Get-TestNodeState $lan $h).Addresses -match '^Lan ' | Should -BeNullOrEmpty -Because 'discovery is off unless asked for' }
    }

    It 'a host cut off: the rest keep chatting; healed, it is taken back and messages reach it again' {
        if ($script:reason) { Set-ItResult -Skipped -Because $script:reason; return }
        Disconnect-TestHost $lan h4
        foreach ($h in 'h1', 'h2', 'h3') {
            Wait-Until { (Get-TestNodeState $lan $h).Peers -notcontains 'h4' } -TimeoutSec 30 -Because "$h should notice h4 is gone" | Out-Null
        }
        Send-TestNodeCommand $lan h2 'broadcast while h4 is away'
        Wait-Delivered $lan 'h1', 'h3' 'while h4 is away'
        @(Get-TestNodeMessages $lan h4 | Where-Object Text -EQ 'while h4 is away').Count | Should -Be 0 -Because 'h4 is cut off'

        Connect-TestHost $lan h4
        Wait-Until { (Get-TestNodeState $lan h4).Peers.Count -ge 1 } -TimeoutSec 30 -Because 'h4 should link again once healed' | Out-Null
        Send-TestNodeCommand $lan h1 'broadcast welcome back h4'
        Wait-Delivered $lan 'h4', 'h2', 'h3' 'welcome back h4'
        Send-TestNodeCommand $lan h4 'broadcast h4 is back'
        Wait-Delivered $lan 'h1', 'h2', 'h3' 'h4 is back'
    }
}
