# What the example scripts share; each dot-sources this file so that it shows only what it is about.
# Not an example itself: it imports the module if needed and defines a few helpers.

if (-not (Get-Command Start-PeerNode -ErrorAction Ignore)) {
    $built = Join-Path $PSScriptRoot '../out/PSPeerChat/PSPeerChat.psd1'
    if (Test-Path -LiteralPath $built) { Import-Module $built }
    else { throw 'The PSPeerChat module is not available. Build it (dotnet pwsh ./build.ps1 -Task Build) or import it first.' }
}

# Writes objects as a table to the host (information stream), so they show in order with the other lines
# and can be silenced with 6>$null, without ending up in the script's output.
function Show-Table {
    param([Parameter(ValueFromPipeline)] $InputObject, [object[]] $Property)
    $items = @($input)
    if ($items.Count -eq 0) { return }
    $table = if ($Property) { $items | Format-Table -Property $Property -AutoSize } else { $items | Format-Table -AutoSize }
    Write-Host (($table | Out-String -Width 160).Trim("`r", "`n"))
    Write-Host ''
}

# Remote text must not drive the terminal: control characters (escape sequences, bells, CR) become '?'.
function Get-Printable([string] $Text) { $Text -replace '\p{Cc}', '?' }

# The node a script runs on: the one given by -Node (a node or a name), linked to each -Bootstrap address, or a new
# node started from -Name, -Port, -ListenAddress and -Bootstrap. Returns @{ Node; Own }: Own is the node the script
# started (it stops it at the end), $null for a given node.
function Use-ExampleNode([object] $Node, [string] $Name, [int] $Port, [string] $ListenAddress, [string[]] $Bootstrap) {
    if ($null -ne $Node) {
        $given = if ($Node -is [PSPeerChat.PeerNode]) { $Node } else { Get-PeerNode -Name ([string]$Node) | Select-Object -First 1 }
        if (-not $given) { throw "No running node named '$Node' in this session (Get-PeerNode lists them)." }
        if ($given.State -ne 'Running') { throw "The node $($given.Name) is stopped." }
        foreach ($address in @($Bootstrap | Where-Object { $_ })) {
            $peer = Connect-Peer -Node $given -Address $address -ErrorAction Continue
            if ($peer) { Write-Host "Linked to $($peer.Name) at $address." }
        }
        return @{ Node = $given; Own = $null }
    }
    $start = @{ Name = $Name; Port = $Port }
    if ($ListenAddress) { $start.ListenAddress = $ListenAddress }
    if ($Bootstrap) { $start.Bootstrap = $Bootstrap }
    $started = Start-PeerNode @start
    return @{ Node = $started; Own = $started }
}

# A node that joins through -Bootstrap links up in the background: waits for its first link (at most 10 s, and not
# past -DurationSec counted on $Watch), then says what it is linked to, or why it is not.
function Show-ExampleLinks($Node, [string[]] $Bootstrap, [int] $DurationSec, [System.Diagnostics.Stopwatch] $Watch) {
    if ($Bootstrap -and $Node.PeerCount -eq 0) {
        $wait = if ($DurationSec -gt 0) { [Math]::Min(10, $DurationSec) } else { 10 }
        while ($Node.PeerCount -eq 0 -and $Watch.Elapsed.TotalSeconds -lt $wait) { Start-Sleep -Milliseconds 50 }
    }
    if ($Node.PeerCount -gt 0) {
        Write-Host "Linked to: $((Get-Peer -Node $Node | ForEach-Object { "$($_.Name) ($($_.Address))" }) -join ', ')."
    }
    elseif ($Bootstrap) {
        Write-Warning "Not linked yet through $($Bootstrap -join ', '); the node keeps trying."
    }
    else {
        Write-Host "No links yet: another node can link to this one with Connect-Peer <this host>:$($Node.Port)."
    }
}
