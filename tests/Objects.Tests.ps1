#Requires -Version 7.0
# Objects through the pipeline (protocol.md §3.13): Send-PeerMessage -InputObject sends any object but a string as
# JSON; it arrives as a PSCustomObject in the Data of the message, broadcast or direct, and through the events too.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Objects between two nodes' {
    BeforeAll {
        $a = Start-PeerNode -Name 'obj-a' -Port 0
        $b = Start-PeerNode -Name 'obj-b' -Port 0
        Connect-TestTopology -Nodes $a, $b -Edges @(, @(0, 1))
    }

    AfterAll {
        Get-PeerNode | Stop-PeerNode -Confirm:$false
    }

    AfterEach {
        Assert-InboxEmpty -Node $a, $b
    }

    It 'sends Get-Process | Select-Object Name, Id and the other node gets the same names and ids as PSCustomObject' {
        $sent = @(Get-Process | Select-Object -First 3 Name, Id)
        $sent | Send-PeerMessage -Node $a

        $got = @(Receive-PeerMessage -Node $b -Wait -Count 3 -Timeout 10 | ForEach-Object Data)
        $got.Count | Should -Be 3
        foreach ($i in 0..2) {
            $got[$i] | Should -BeOfType ([System.Management.Automation.PSCustomObject])
            $got[$i].psobject.Properties.Name | Should -Be @('Name', 'Id')
            $got[$i].Name | Should -Be $sent[$i].Name
            $got[$i].Id | Should -Be $sent[$i].Id
        }
    }

    It 'keeps sending a string from the pipeline as text, a line of Get-Content included, and skips a null' {
        $file = Join-Path $TestDrive 'notes.txt'
        Set-Content -Path $file -Value 'from a file'
        'hello' | Send-PeerMessage -Node $a
        $null | Send-PeerMessage -Node $a # nothing to send
        Get-Content -Path $file | Send-PeerMessage -Node $a

        $got = @(Receive-PeerMessage -Node $b -Wait -Count 2 -Timeout 10)
        $got.Text | Should -Be @('hello', 'from a file')
        $got.IsObject | Should -Be @($false, $false)
        $got[0].Data | Should -BeNullOrEmpty
    }

    It 'carries nested objects, arrays, dictionaries, numbers, booleans, dates and enums' {
        $when = [datetime]::new(2026, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
        [pscustomobject]@{
            Name  = 'outer'
            Inner = [pscustomobject]@{ List = @(1, 2, 3); Flag = $true; Nothing = $null; Ratio = 0.25 }
            Map   = @{ k = 'v' }
            When  = $when
            Day   = [DayOfWeek]::Friday
            Big   = [long]::MaxValue
        } | Send-PeerMessage -Node $a

        $m = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        $m.IsObject | Should -BeTrue
        $m.Text | Should -BeLike '{"Name":"outer",*'
        $d = $m.Data
        $d.Name | Should -Be 'outer'
        $d.Inner | Should -BeOfType ([System.Management.Automation.PSCustomObject])
        $d.Inner.List | Should -Be @(1, 2, 3)
        $d.Inner.Flag | Should -BeTrue
        $d.Inner.Nothing | Should -BeNullOrEmpty
        $d.Inner.Ratio | Should -Be 0.25
        $d.Map.k | Should -Be 'v'
        $d.When | Should -Be '2026-01-02T03:04:05.0000000Z'
        $d.Day | Should -Be 'Friday'
        $d.Big | Should -Be ([long]::MaxValue)
    }

    It 'expands -Depth levels and sends deeper ones as their string' {
        $deep = [pscustomobject]@{ L1 = [pscustomobject]@{ L2 = [pscustomobject]@{ L3 = 'end' } } }
        Send-PeerMessage -Node $a -InputObject $deep -Depth 1

        $d = (Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10).Data
        $d.L1 | Should -BeOfType ([System.Management.Automation.PSCustomObject])
        $d.L1.L2 | Should -BeOfType ([string])
    }

    It 'sends an object to one node, end-to-end encrypted, and -PassThru shows its Data' {
        $null = Wait-Until { (Get-PeerDirectory -Node $a 'obj-b').CanReceiveDirect } -TimeoutSec 10 -Because 'a knows the key of b'
        $sent = [pscustomobject]@{ Secret = 42; Tags = @('x', 'y') } | Send-PeerMessage -Node $a -To 'obj-b' -PassThru
        $sent.IsDirect | Should -BeTrue
        $sent.Data.Secret | Should -Be 42

        $m = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        $m.IsDirect | Should -BeTrue
        $m.IsObject | Should -BeTrue
        $m.From | Should -Be $a.Id
        $m.Data | Should -BeOfType ([System.Management.Automation.PSCustomObject])
        $m.Data.Secret | Should -Be 42
        $m.Data.Tags | Should -Be @('x', 'y')
    }

    It 'hands the object to Register-ObjectEvent handlers as a PSCustomObject too' {
        $null = Register-ObjectEvent -InputObject $b -EventName MessageReceived -SourceIdentifier 'obj.event'
        try {
            [pscustomobject]@{ Via = 'event' } | Send-PeerMessage -Node $a
            $ev = Wait-Event -SourceIdentifier 'obj.event' -Timeout 10
            $ev | Should -Not -BeNullOrEmpty
            $ev.SourceEventArgs.Message.Data | Should -BeOfType ([System.Management.Automation.PSCustomObject])
            $ev.SourceEventArgs.Message.Data.Via | Should -Be 'event'
        }
        finally {
            Unregister-Event -SourceIdentifier 'obj.event'
            Remove-Event -SourceIdentifier 'obj.event' -ErrorAction SilentlyContinue
            $null = Receive-PeerMessage -Node $b -Wait -Count 1 -Timeout 10
        }
    }

    It 'refuses an object over the size of a message with ObjectTooLarge and sends nothing' {
        $before = $a.MessagesSent
        $err = Get-ErrorRecord { [pscustomobject]@{ Big = 'x' * 70000 } | Send-PeerMessage -Node $a -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'ObjectTooLarge*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike '*Select-Object*-Depth*'

        $err = Get-ErrorRecord { Send-PeerMessage -Node $a -InputObject (1..20000) -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ObjectTooLarge*'
        $a.MessagesSent | Should -Be $before
    }
}
