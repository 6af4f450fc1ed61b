#Requires -Version 7.0
# Argument completion through TabExpansion2, as the console does it: -Node completes the names of the session's
# nodes (NodeNameCompleter), -Id the ids of a node's links (PeerIdCompleter), -To the names and ids of a node's
# directory (RecipientCompleter).

BeforeDiscovery {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    # Every cmdlet with a -Node parameter must complete it.
    $nodeCmdlets = @(Get-Command -Module PSPeerChat -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('Node') } |
            Sort-Object Name | ForEach-Object { @{ Cmdlet = $_.Name } })
}

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false

    # The completion texts TabExpansion2 offers with the cursor at the end of the line.
    function Get-Completion([string] $Line) {
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        return @($result.CompletionMatches | ForEach-Object CompletionText)
    }

    $alpha1 = Start-PeerNode -Name 'alpha-1' -Port 0 -TargetPeers 0
    $alpha2 = Start-PeerNode -Name 'alpha-2' -Port 0 -TargetPeers 0
    $beta = Start-PeerNode -Name 'beta' -Port 0 -TargetPeers 0
    $spaced = Start-PeerNode -Name 'gamma ray' -Port 0 -TargetPeers 0

    # alpha-1 links to beta and alpha-2; the others stay apart from each other.
    Connect-TestTopology -Nodes @($alpha1, $beta, $alpha2, $spaced) -Edges @(@(0, 1), @(0, 2))
    $null = Wait-Until {
        $dir = @(Get-PeerDirectory -Node $alpha1)
        ($dir | Where-Object { $_.Id -eq $beta.Id -and $_.CanReceiveDirect }) -and
        ($dir | Where-Object { $_.Id -eq $alpha2.Id -and $_.CanReceiveDirect })
    } -TimeoutSec 10 -Because 'alpha-1 has beta and alpha-2 in its directory'
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Completing -Node with the session''s node names' {
    It 'completes -Node of <Cmdlet>' -ForEach $nodeCmdlets {
        $line = if ($Cmdlet -eq 'Disconnect-Peer') { 'Disconnect-Peer -Id x -Node al' } else { "$Cmdlet -Node al" }
        Get-Completion $line | Sort-Object | Should -Be @('alpha-1', 'alpha-2')
    }

    It 'offers every running node for an empty word' {
        Get-Completion 'Get-Peer -Node ' | Sort-Object | Should -Be (@('alpha-1', 'alpha-2', 'beta', "'gamma ray'") | Sort-Object)
    }

    It 'narrows to one name' {
        Get-Completion 'Send-PeerMessage -Node alpha-2' | Should -Be @('alpha-2')
        Get-Completion 'Get-Peer -Node be' | Should -Be @('beta')
    }

    It 'ignores case' {
        Get-Completion 'Get-Peer -Node ALP' | Sort-Object | Should -Be @('alpha-1', 'alpha-2')
    }

    It 'quotes a name with a space, and completes inside quotes' {
        Get-Completion 'Get-Peer -Node gam' | Should -Be @("'gamma ray'")
        Get-Completion "Get-Peer -Node 'gamma r" | Should -Be @("'gamma ray'")
    }

    It 'completes the positional -Node of Receive-PeerMessage and Stop-PeerNode' {
        Get-Completion 'Receive-PeerMessage al' | Sort-Object | Should -Be @('alpha-1', 'alpha-2')
        Get-Completion 'Stop-PeerNode be' | Should -Be @('beta')
    }

    It 'completes -Name of Get-PeerNode' {
        Get-Completion 'Get-PeerNode -Name al' | Sort-Object | Should -Be @('alpha-1', 'alpha-2')
    }

    It 'offers nothing for a prefix no node has' {
        Get-Completion 'Get-Peer -Node zeta' | Should -BeNullOrEmpty
    }

    It 'forgets a node once it is stopped' {
        $temp = Start-PeerNode -Name 'alpha-temp' -Port 0 -TargetPeers 0
        Get-Completion 'Get-Peer -Node alpha-t' | Should -Be @('alpha-temp')
        Stop-PeerNode -Node $temp -Confirm:$false
        Get-Completion 'Get-Peer -Node alpha-t' | Should -BeNullOrEmpty
    }
}

Describe 'Completing -Id with the ids of the node''s links' {
    It 'offers the ids of the links of the node given by -Node' {
        Get-Completion 'Disconnect-Peer -Node alpha-1 -Id ' | Sort-Object | Should -Be (@($beta.Id, $alpha2.Id) | Sort-Object)
        Get-Completion 'Disconnect-Peer -Node beta -Id ' | Should -Be @($alpha1.Id)
    }

    It 'uses the session''s default node without -Node' {
        (Get-PeerNode)[0].Name | Should -Be 'alpha-1' -Because 'the first node started is the default'
        Get-Completion 'Disconnect-Peer -Id ' | Sort-Object | Should -Be (@($beta.Id, $alpha2.Id) | Sort-Object)
    }

    It 'narrows by id prefix' {
        $prefix = $beta.Id.Substring(0, 6)
        Get-Completion "Disconnect-Peer -Node alpha-1 -Id $prefix" | Should -Be @($beta.Id)
    }

    It 'completes a neighbour''s name to its id' {
        Get-Completion 'Disconnect-Peer -Node alpha-1 -Id be' | Should -Be @($beta.Id)
    }

    It 'completes -Id of Get-Peer the same way' {
        Get-Completion 'Get-Peer -Node alpha-2 -Id ' | Should -Be @($alpha1.Id)
    }

    It 'offers nothing for a node without links' {
        Get-Completion "Disconnect-Peer -Node 'gamma ray' -Id " | Should -BeNullOrEmpty
    }

    It 'completes to ids that Disconnect-Peer accepts' {
        $id = @(Get-Completion 'Get-Peer -Node alpha-1 -Id be')[0]
        (Get-Peer -Node alpha-1 -Id $id).Name | Should -Be 'beta'
    }
}

Describe 'Completing -To with the names and ids of the directory' {
    It 'offers the nodes in the directory of the node given by -Node' {
        Get-Completion 'Send-PeerMessage -Node alpha-1 -To ' | Sort-Object | Should -Be @('alpha-2', 'beta')
    }

    It 'narrows by name' {
        Get-Completion 'Send-PeerMessage -Node alpha-1 -To be' | Should -Be @('beta')
        Get-Completion 'Send-PeerMessage -Node alpha-1 -To ALPHA' | Should -Be @('alpha-2')
    }

    It 'completes an id prefix to the full id' {
        $prefix = $beta.Id.Substring(0, 5)
        Get-Completion "Send-PeerMessage -Node alpha-1 -To $prefix" | Should -Be @($beta.Id)
    }

    It 'uses the default node without -Node, and the node''s own directory with it' {
        Get-Completion 'Send-PeerMessage hello -To ' | Sort-Object | Should -Be @('alpha-2', 'beta')
        Get-Completion "Send-PeerMessage -Node 'gamma ray' -To " | Should -BeNullOrEmpty -Because 'gamma ray has heard of nobody'
    }

    It 'completes to a recipient Send-PeerMessage accepts' {
        $to = @(Get-Completion 'Send-PeerMessage -Node alpha-1 -To be')[0]
        $sent = Send-PeerMessage -Node alpha-1 -To $to -Text 'completed recipient' -PassThru -ErrorAction Stop
        $sent.To | Should -Be $beta.Id
        $got = @(Receive-PeerMessage -Node beta -Wait -Count 1 -Timeout 10)
        $got.Text | Should -Be 'completed recipient'
    }
}

Describe 'Completing @name in Enter-PeerChat (Tab)' {
    BeforeAll {
        # The console's Tab handler is internal (it needs a terminal: tests/ChatConsole.Tests.ps1 presses Tab in tmux);
        # here its completion is called directly with the directory of beta, which hears of both alphas through alpha-1.
        $mention = (Get-Command Enter-PeerChat).ImplementingType.Assembly.GetType('PSPeerChat.Commands.ChatMention', $true)
        $null = Wait-Until { @(Get-PeerDirectory -Node $beta | Where-Object Name -like 'alpha-*').Count -eq 2 } -TimeoutSec 10 -Because 'beta has heard of alpha-1 and alpha-2'
        $directory = [PSPeerChat.PeerDirectoryEntry[]]@(Get-PeerDirectory -Node $beta)
        function Complete-Mention([string] $Line) {
            $arguments = [object[]]@($Line, $directory, $null)
            $line = $mention.GetMethod('Complete').Invoke($null, $arguments)
            [pscustomobject]@{ Line = $line; Listing = @($arguments[2]) }
        }
    }

    It 'completes a unique name with a space after it' {
        $c = Complete-Mention '@alpha-1'
        $c.Line | Should -Be '@alpha-1 '
        $c.Listing | Should -BeNullOrEmpty
    }

    It 'completes several names to their common start and lists each with its fingerprint' {
        $c = Complete-Mention '@AL'
        $c.Line | Should -Be '@alpha-'
        $c.Listing | Should -HaveCount 2
        ($c.Listing -join "`n") | Should -Match "@alpha-1  \($($alpha1.Id.Substring(0, 8))\)"
        ($c.Listing -join "`n") | Should -Match "@alpha-2  \($($alpha2.Id.Substring(0, 8))\)"
    }

    It 'leaves the line alone for an unknown prefix, a plain line and a line past the name' {
        (Complete-Mention '@zz').Line | Should -BeNullOrEmpty
        (Complete-Mention 'hello b').Line | Should -BeNullOrEmpty
        (Complete-Mention '@alpha-1 hel').Line | Should -BeNullOrEmpty
    }
}
