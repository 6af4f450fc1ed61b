#Requires -Version 7.0
<#
    Helpers for the PSPeerChat Pester tests: waiting for a condition with a deadline, catching an error
    record, wiring nodes into a topology, and plain TCP text clients/listeners (the "text peer" side).

    Every helper waits for a condition with a deadline; none sleeps a fixed time and hopes.
    Variables inside these functions use a __ prefix so they never shadow the variables a caller's
    script block reads (PowerShell scoping is dynamic).
#>

Set-StrictMode -Version 3.0

function Wait-Until {
    <#
    .SYNOPSIS
        Polls a condition every 50 ms until it is truthy (returns its output) or the deadline passes (throws).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [scriptblock] $Condition,

        [double] $TimeoutSec = 10,

        [Parameter(Mandatory)]
        [string] $Because,

        [int] $IntervalMs = 50
    )

    $__wuWatch = [System.Diagnostics.Stopwatch]::StartNew()
    $__wuLastError = $null
    while ($true) {
        try {
            $__wuResult = & $Condition
            $__wuLastError = $null
            if ($__wuResult) { return $__wuResult }
        }
        catch {
            $__wuLastError = $_
        }
        if ($__wuWatch.Elapsed.TotalSeconds -ge $TimeoutSec) {
            $__wuMessage = "Timed out after $TimeoutSec s waiting until $Because."
            if ($null -ne $__wuLastError) { $__wuMessage += " The condition last failed with: $__wuLastError" }
            throw $__wuMessage
        }
        Start-Sleep -Milliseconds $IntervalMs
    }
}

function Get-ErrorRecord {
    <#
    .SYNOPSIS
        Runs a script block (whose commands should use -ErrorAction Stop) and returns the error it raised, or $null.
        Works for terminating and non-terminating (escalated) errors alike.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)

    try {
        $null = & $ScriptBlock
    }
    catch {
        return $_
    }
    return $null
}

function Get-FreeTcpPort {
    <#
    .SYNOPSIS
        A port nothing listens on right now (bound dual-stack on :: then released): dialling it is refused.
    #>
    $__l = [System.Net.Sockets.TcpListener]::Create(0)
    try {
        $__l.Start()
        return ([System.Net.IPEndPoint]$__l.LocalEndpoint).Port
    }
    finally {
        $__l.Stop()
    }
}

function Test-TcpPortBindable {
    <#
    .SYNOPSIS
        True when a listener can bind the port on :: (dual-stack), the way a node listens by default.
    #>
    param([Parameter(Mandatory)] [int] $Port)

    $__l = [System.Net.Sockets.TcpListener]::Create($Port)
    try {
        $__l.Start()
        return $true
    }
    catch [System.Net.Sockets.SocketException] {
        return $false
    }
    finally {
        $__l.Stop()
    }
}

function Get-OpenFileDescriptorCount {
    <#
    .SYNOPSIS
        Number of open file descriptors of this process (Linux /proc only); $null elsewhere.
    #>
    $__dir = "/proc/$PID/fd"
    if (-not (Test-Path -LiteralPath $__dir)) { return $null }
    return @(Get-ChildItem -LiteralPath $__dir -ErrorAction SilentlyContinue).Count
}

function Connect-TestTopology {
    <#
    .SYNOPSIS
        Connects nodes along the given edges (pairs of indexes into -Nodes; the first dials the second over
        127.0.0.1) and waits until every node counts exactly its degree of neighbours.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [object[]] $Nodes,
        [Parameter(Mandatory)] [object[]] $Edges,
        [double] $TimeoutSec = 15
    )

    $__degree = @{}
    for ($__i = 0; $__i -lt $Nodes.Count; $__i++) { $__degree[$__i] = 0 }
    foreach ($__e in $Edges) {
        $__from = [int]$__e[0]
        $__to = [int]$__e[1]
        $null = Connect-Peer -Node $Nodes[$__from] -Address "127.0.0.1:$($Nodes[$__to].Port)" -ErrorAction Stop
        $__degree[$__from]++
        $__degree[$__to]++
    }
    Wait-Until -TimeoutSec $TimeoutSec -Because 'every node of the topology has exactly its neighbours linked' {
        for ($__k = 0; $__k -lt $Nodes.Count; $__k++) {
            if (@(Get-Peer -Node $Nodes[$__k]).Count -ne $__degree[$__k]) { return $false }
        }
        $true
    } | Out-Null
}

function ConvertTo-TextConnection {
    param([Parameter(Mandatory)] [System.Net.Sockets.TcpClient] $Client)

    $__stream = $Client.GetStream()
    $__local = [System.Net.IPEndPoint]$Client.Client.LocalEndPoint
    $__remote = [System.Net.IPEndPoint]$Client.Client.RemoteEndPoint
    [pscustomobject]@{
        Client        = $Client
        Stream        = $__stream
        Reader        = [System.IO.StreamReader]::new($__stream, [System.Text.UTF8Encoding]::new($false))
        Pending       = $null
        # host:port as a node sees this end of the socket (IPv4 loopback).
        LocalAddress  = "$($__local.Address.MapToIPv4()):$($__local.Port)"
        RemoteAddress = "$($__remote.Address.MapToIPv4()):$($__remote.Port)"
    }
}

function New-TextClient {
    <#
    .SYNOPSIS
        A raw TcpClient connected to 127.0.0.1:Port, wrapped for Send-TextLine / Read-TextLine.
    #>
    param(
        [Parameter(Mandatory)] [int] $Port,
        [double] $TimeoutSec = 10
    )

    $__client = [System.Net.Sockets.TcpClient]::new([System.Net.Sockets.AddressFamily]::InterNetwork)
    $__client.NoDelay = $true
    $__task = $__client.ConnectAsync([System.Net.IPAddress]::Loopback, $Port)
    try {
        Wait-Until { $__task.IsCompleted } -TimeoutSec $TimeoutSec -Because "a TCP client connects to 127.0.0.1:$Port" | Out-Null
        $null = $__task.GetAwaiter().GetResult()
    }
    catch {
        $__client.Dispose()
        throw
    }
    ConvertTo-TextConnection -Client $__client
}

function New-TextListener {
    <#
    .SYNOPSIS
        A plain TCP listener on 127.0.0.1 with an OS-chosen port (a "text node" that Connect-Peer -Protocol Text dials).
    #>
    $__l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $__l.Start()
    $__l
}

function Receive-TextConnection {
    <#
    .SYNOPSIS
        Accepts the next connection on a listener from New-TextListener, with a deadline.
    #>
    param(
        [Parameter(Mandatory)] [System.Net.Sockets.TcpListener] $Listener,
        [double] $TimeoutSec = 10
    )

    $__task = $Listener.AcceptTcpClientAsync()
    Wait-Until { $__task.IsCompleted } -TimeoutSec $TimeoutSec -Because 'the test listener accepts a connection' | Out-Null
    $__client = $__task.GetAwaiter().GetResult()
    $__client.NoDelay = $true
    ConvertTo-TextConnection -Client $__client
}

function Send-TextLine {
    <#
    .SYNOPSIS
        Writes UTF-8 text (no BOM) followed by "\n" (or the exact -Raw text) to a text connection.
    #>
    param(
        [Parameter(Mandatory)] $Connection,
        [Parameter(Mandatory)] [AllowEmptyString()] [string] $Text,
        [switch] $Raw
    )

    $__s = if ($Raw) { $Text } else { $Text + "`n" }
    $__bytes = [System.Text.Encoding]::UTF8.GetBytes($__s)
    $Connection.Stream.Write($__bytes, 0, $__bytes.Length)
    $Connection.Stream.Flush()
}

function Read-TextLine {
    <#
    .SYNOPSIS
        Reads the next line from a text connection, waiting at most -TimeoutSec; $null at end of stream.
        A read that timed out stays pending and is picked up by the next call.
    #>
    param(
        [Parameter(Mandatory)] $Connection,
        [double] $TimeoutSec = 10,
        [string] $Because = 'a line arrives'
    )

    if ($null -eq $Connection.Pending) { $Connection.Pending = $Connection.Reader.ReadLineAsync() }
    $__task = $Connection.Pending
    Wait-Until { $__task.IsCompleted } -TimeoutSec $TimeoutSec -Because "$Because (on text connection $($Connection.LocalAddress))" | Out-Null
    $Connection.Pending = $null
    return $__task.GetAwaiter().GetResult()
}

function Close-TextConnection {
    param([Parameter(ValueFromPipeline)] $Connection)
    process {
        if ($null -eq $Connection) { return }
        try { $Connection.Reader.Dispose() } catch { $null = $_ }
        try { $Connection.Client.Dispose() } catch { $null = $_ }
    }
}

function Assert-InboxEmpty {
    # Every test of a shared pair of nodes waits for what it sends: nothing may be left over for the next one. Takes
    # what is left out of every inbox and fails with its texts, per node.
    param([Parameter(Mandatory)] [object[]] $Node)
    $left = foreach ($n in $Node) {
        $messages = @(Receive-PeerMessage -Node $n)
        if ($messages.Count -gt 0) { "$($n.Name): $(($messages | ForEach-Object Text) -join '|')" }
    }
    @($left).Count | Should -Be 0 -Because "no message may be left in an inbox ($($left -join '; '))"
}

Export-ModuleMember -Function Wait-Until, Assert-InboxEmpty, Get-ErrorRecord, Get-FreeTcpPort, Test-TcpPortBindable,
    Get-OpenFileDescriptorCount, Connect-TestTopology, New-TextClient, New-TextListener,
    Receive-TextConnection, Send-TextLine, Read-TextLine, Close-TextConnection
