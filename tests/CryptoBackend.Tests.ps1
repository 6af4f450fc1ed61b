#Requires -Version 7.0
# The crypto backend a node uses (docs/performance.md, "Crypto backend"): the module's own libsodium where it ships
# one, BouncyCastle where it cannot load (with the reason) or when PSPEERCHAT_CRYPTO says so. The backend is chosen
# once per process, so the other choices run in a fresh pwsh.

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    Get-PeerNode | Stop-PeerNode -Confirm:$false
    # A fresh PowerShell like this one: pwsh itself, or (as a dotnet tool) dotnet running pwsh.dll.
    $script:pwsh = (Get-Process -Id $PID).Path
    $script:pwshArgs = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($script:pwsh) -eq 'dotnet') { $script:pwshArgs = @(Join-Path $PSHOME 'pwsh.dll') }

    # The CryptoBackend a node reports in a fresh pwsh importing $Manifest with PSPEERCHAT_CRYPTO = $Setting.
    function Get-FreshBackend([string]$Manifest, [string]$Setting) {
        $script = "Import-Module '$Manifest'; `$n = Start-PeerNode -Name fresh -Port 0; 'RESULT ' + `$n.CryptoBackend; Stop-PeerNode -Node `$n -Confirm:`$false"
        $old = $env:PSPEERCHAT_CRYPTO
        try {
            $env:PSPEERCHAT_CRYPTO = $Setting
            $out = & $script:pwsh @script:pwshArgs -NoProfile -NonInteractive -Command $script 2>&1
        }
        finally {
            $env:PSPEERCHAT_CRYPTO = $old
        }
        $line = @($out | Where-Object { "$_" -like 'RESULT *' }) | Select-Object -Last 1
        if (-not $line) { throw "The fresh pwsh printed no result:`n$($out -join "`n")" }
        return "$line".Substring(7)
    }
}

AfterAll {
    Get-PeerNode | Stop-PeerNode -Confirm:$false
}

Describe 'Get-PeerNode shows the crypto backend' {
    It 'names the module''s libsodium in the node and in its list view' -Skip:(-not ($IsLinux -or $IsWindows -or $IsMacOS)) {
        $node = Start-PeerNode -Name crypto -Port 0
        try {
            $expected = if ($env:PSPEERCHAT_CRYPTO -eq 'BouncyCastle') { 'BouncyCastle 2.7.0 (forced by PSPEERCHAT_CRYPTO)' } else { 'libsodium 1.0.22' }
            $node.CryptoBackend | Should -Be $expected
            (Get-PeerNode -Name crypto | Format-List | Out-String) | Should -Match ("CryptoBackend\s+: " + [regex]::Escape($expected))
        }
        finally {
            Stop-PeerNode -Node $node -Confirm:$false
        }
    }

    It 'says BouncyCastle, forced, when PSPEERCHAT_CRYPTO=BouncyCastle' {
        Get-FreshBackend $env:PSPEERCHAT_MODULE 'BouncyCastle' | Should -Be 'BouncyCastle 2.7.0 (forced by PSPEERCHAT_CRYPTO)'
    }

    It 'falls back to BouncyCastle with the reason when the module''s libsodium is missing' {
        $copy = Join-Path $TestDrive 'PSPeerChat'
        Copy-Item -LiteralPath (Split-Path -Parent $env:PSPEERCHAT_MODULE) -Destination $copy -Recurse
        Remove-Item -LiteralPath (Join-Path $copy 'runtimes') -Recurse -Force
        $backend = Get-FreshBackend (Join-Path $copy 'PSPeerChat.psd1') 'Auto'
        $backend | Should -BeLike 'BouncyCastle 2.7.0 (libsodium not loaded: FileNotFoundException: no file *libsodium*)'
    }
}
