#Requires -Version 7.0
<#
.SYNOPSIS
    Build, test, package, run or clean PSPeerChat.

.DESCRIPTION
    Run from anywhere as:  dotnet tool restore; dotnet pwsh ./build.ps1 -Task <Task>
      Build  dotnet build of the module, then assembles out/PSPeerChat (importable module folder). The version is
             <Version> in Directory.Build.props, the one place it is written: MSBuild gives it to the assemblies,
             this script stamps it into the manifest (ModuleVersion, and PSData Prerelease for 1.2.0-beta1) with
             the version's section of CHANGELOG.md as PSData ReleaseNotes.
      Package
             Build, then out/packages/PSPeerChat.<version>.nupkg (tools/New-ModulePackage.ps1, Compress-PSResource in
             a child pwsh with its own HOME, so your PSResourceGet settings are not touched). Refuses a version
             without its '## [<version>]' section in CHANGELOG.md. Install it with PSResourceGet from a folder
             repository: see README.md, "Install".
      Test   Build, xunit tests (dotnet test; the crypto-bound classes a second time with PSPEERCHAT_CRYPTO=BouncyCastle)
             and Pester tests (tests/*.Tests.ps1, fresh pwsh);
             last line printed is 'N passed, N failed[, N skipped]'; exit 1 on any failure or crash.
      Chat   Build, then opens an interactive chat node in a fresh pwsh (tools/Start-Chat.ps1).
      Clean  Removes out/ and bin/ + obj/ of every project.
      Bench  Build (Release), then the shared flood workload (shared/bench/SPEC.md, -Nodes -Messages -Rate):
             engine signed (3 runs), engine unsigned (3 runs), engine paced at 100 and 1000 msg/s (1 run,
             ~10 s each, a waiting consumer per node) and at 1000 msg/s with the polling consumer, the idle
             node's heap, one hostile peer, the proof of work's cost per message, module level in a fresh pwsh;
             JSON + readable line per run, medians, a summary.

    Pester test files import the built module with:  Import-Module $env:PSPEERCHAT_MODULE -Force
    (PSPEERCHAT_MODULE = full path of out/PSPeerChat/PSPeerChat.psd1, set by this script).
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Chat', 'Clean', 'Bench')]
    [string]$Task = 'Build',

    [string]$Configuration = 'Release',

    # Bench parameters
    [int]$Nodes = 20,
    [int]$Messages = 2000,
    [int]$Rate = 0
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
# Native exit codes are checked explicitly ($LASTEXITCODE).
$PSNativeCommandUseErrorActionPreference = $false

$Root          = $PSScriptRoot
$OutDir        = Join-Path $Root 'out'
$ModuleOutDir  = Join-Path $OutDir 'PSPeerChat'
$ManifestPath  = Join-Path $ModuleOutDir 'PSPeerChat.psd1'
$ResultsDir    = Join-Path $OutDir 'TestResults'
$ModuleProject = Join-Path $Root 'src/PSPeerChat/PSPeerChat.csproj'
$TestProject   = Join-Path $Root 'tests/PSPeerChat.Core.Tests/PSPeerChat.Core.Tests.csproj'
$ModuleSrcDir  = Join-Path $Root 'module/PSPeerChat'
$PackageDir    = Join-Path $OutDir 'packages'
$PropsPath     = Join-Path $Root 'Directory.Build.props'
$ChangelogPath = Join-Path $Root 'CHANGELOG.md'

# The one version number: <Version> in Directory.Build.props. NuGet and a module manifest both accept
# <major>.<minor>.<patch> with an optional prerelease suffix of letters and digits.
function Get-ModuleVersion {
    [xml]$props = Get-Content -LiteralPath $PropsPath -Raw
    $found = @($props.SelectNodes('/Project/PropertyGroup/Version') | ForEach-Object { $_.InnerText.Trim() })
    if ($found.Count -ne 1) { throw "Directory.Build.props must set <Version> exactly once (found $($found.Count))." }
    if ($found[0] -notmatch '^(\d+\.\d+\.\d+)(?:-([A-Za-z0-9]+))?$') {
        throw "<Version>$($found[0])</Version> in Directory.Build.props: write <major>.<minor>.<patch>, optionally -<letters and digits> (1.2.0 or 1.2.0-beta1)."
    }
    [pscustomobject]@{ Full = $found[0]; ModuleVersion = $Matches[1]; Prerelease = [string]$Matches[2] }
}

# The section of CHANGELOG.md for a version (Keep a Changelog: '## [1.2.0] - 2026-12-06' up to the next '## ' heading or
# the link definitions at the end), its heading as '1.2.0 - 2026-12-06', or $null when there is none.
function Get-ChangelogSection([string]$Version) {
    if (-not (Test-Path -LiteralPath $ChangelogPath)) { return $null }
    $lines = @(Get-Content -LiteralPath $ChangelogPath)
    $heading = '^##\s+\[' + [regex]::Escape($Version) + '\]'
    $start = -1
    for ($i = 0; $i -lt $lines.Count; $i++) { if ($lines[$i] -match $heading) { $start = $i; break } }
    if ($start -lt 0) { return $null }
    $end = $start + 1
    while ($end -lt $lines.Count -and $lines[$end] -notmatch '^##\s' -and $lines[$end] -notmatch '^\[[^\]]+\]:\s') { $end++ }
    $text = ($lines[$start..($end - 1)] -join "`n").Trim()
    return ($text -replace '^##\s+\[([^\]]+)\]', '$1')
}

# Writes the version and release notes into the assembled manifest: each key must be there once as KEY = '...'.
function Set-ManifestRelease([string]$Path, $Version, [string]$ReleaseNotes) {
    $text = Get-Content -LiteralPath $Path -Raw
    $values = [ordered]@{ ModuleVersion = $Version.ModuleVersion; Prerelease = $Version.Prerelease; ReleaseNotes = $ReleaseNotes }
    foreach ($key in $values.Keys) {
        $pattern = "(?m)^(\s*$key\s*=\s*)'(?:[^']|'')*'"
        $count = [regex]::Matches($text, $pattern).Count
        if ($count -ne 1) { throw "$Path must hold $key = '...' exactly once (found $count) for build.ps1 to stamp it." }
        $literal = "'" + $values[$key].Replace("'", "''") + "'"
        $text = [regex]::Replace($text, $pattern, { param($m) $m.Groups[1].Value + $literal })
    }
    Set-Content -LiteralPath $Path -Value $text -NoNewline -Encoding utf8NoBOM
    $data = Import-PowerShellDataFile -LiteralPath $Path
    if ($data.ModuleVersion -ne $Version.ModuleVersion -or $data.PrivateData.PSData.ReleaseNotes -ne $ReleaseNotes) {
        throw "Stamping $Path went wrong: it reads back ModuleVersion '$($data.ModuleVersion)'."
    }
}

function Invoke-Build {
    Write-Host "==> dotnet build $ModuleProject -c $Configuration"
    & dotnet build $ModuleProject -c $Configuration --nologo
    if ($LASTEXITCODE -ne 0) { throw "dotnet build failed (exit code $LASTEXITCODE)." }

    $binDir = Join-Path $Root "src/PSPeerChat/bin/$Configuration/netstandard2.0"
    if (-not (Test-Path (Join-Path $binDir 'PSPeerChat.dll'))) {
        throw "Build output not found: $binDir/PSPeerChat.dll"
    }

    if (Test-Path $ModuleOutDir) { Remove-Item $ModuleOutDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleOutDir -Force | Out-Null

    # Manifest, Format.ps1xml, en-US help, ... : everything under module/PSPeerChat.
    if (Test-Path $ModuleSrcDir) {
        Copy-Item -Path (Join-Path $ModuleSrcDir '*') -Destination $ModuleOutDir -Recurse -Force
    }
    $license = Join-Path $Root 'LICENSE'
    if (Test-Path -LiteralPath $license) { Copy-Item -LiteralPath $license -Destination $ModuleOutDir -Force }
    else { Write-Warning 'No LICENSE file at the repository root: the module and its package carry no licence text.' }

    $version = Get-ModuleVersion
    $notes = Get-ChangelogSection $version.Full
    if (-not $notes) {
        Write-Warning "CHANGELOG.md has no '## [$($version.Full)]' section; the manifest's release notes say so (-Task Package refuses this)."
        $notes = "$($version.Full): not in CHANGELOG.md yet."
    }
    Set-ManifestRelease -Path $ManifestPath -Version $version -ReleaseNotes $notes
    Write-Host "==> version $($version.Full) (Directory.Build.props), release notes from CHANGELOG.md"

    # PSPeerChat.dll, PSPeerChat.Core.dll and any dependency dll, never System.Management.Automation.dll.
    Get-ChildItem -Path $binDir -Filter '*.dll' -File |
        Where-Object { $_.Name -ne 'System.Management.Automation.dll' } |
        Copy-Item -Destination $ModuleOutDir -Force
    # Our own symbols, for line numbers in stack traces.
    Get-ChildItem -Path $binDir -Filter 'PSPeerChat*.pdb' -File |
        Copy-Item -Destination $ModuleOutDir -Force

    Copy-NativeSodium -Destination $ModuleOutDir

    # Help (MAML + about topics) from docs/en-US, with parameter metadata read from the module just assembled.
    # A fresh process imports it, so this session never loads the dll; a cmdlet without its Markdown fails the build.
    $helpSource = Join-Path $Root 'docs/en-US'
    $helpOut = Join-Path $ModuleOutDir 'en-US'
    Write-Host "==> help: tools/Build-Help.ps1 -SourcePath $helpSource -OutputPath $helpOut"
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tools/Build-Help.ps1') `
        -SourcePath $helpSource -ModulePath $ModuleOutDir -OutputPath $helpOut
    if ($LASTEXITCODE -ne 0) { throw "Help generation failed (exit code $LASTEXITCODE); see the Build-Help errors above." }

    Write-Host "Module: $ModuleOutDir"
}

# libsodium's native builds (the libsodium NuGet package, restored for PSPeerChat.Core) for the platforms we ship,
# as <module>/runtimes/<rid>/native/<file>, where Crypto/SodiumLibrary looks (docs/performance.md, "Crypto backend").
# macOS's build is one universal file (x64 and arm64): shipped once as runtimes/osx/native/libsodium.dylib.
$SodiumRids = @('linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64', 'win-x64', 'win-x86', 'win-arm64')
$SodiumOsxRid = 'osx-arm64'

function Get-GlobalPackagesPath {
    $line = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw 'dotnet nuget locals global-packages --list failed.' }
    # Output: "global-packages: /root/.nuget/packages/"
    return (($line | Select-Object -First 1) -replace '^\s*global-packages:\s*', '').Trim()
}

function Copy-NativeSodium([string]$Destination) {
    [xml]$project = Get-Content -LiteralPath (Join-Path $Root 'src/PSPeerChat.Core/PSPeerChat.Core.csproj') -Raw
    $version = @($project.SelectNodes('//PackageReference[@Include="libsodium"]') | ForEach-Object { $_.Version })
    if ($version.Count -ne 1) { throw 'src/PSPeerChat.Core/PSPeerChat.Core.csproj must reference the libsodium package once.' }
    $package = Join-Path (Get-GlobalPackagesPath) "libsodium/$($version[0])/runtimes"
    $files = @($SodiumRids | ForEach-Object {
        $file = if ($_ -like 'win-*') { 'libsodium.dll' } else { 'libsodium.so' }
        @{ From = Join-Path $package "$_/native/$file"; To = Join-Path $Destination "runtimes/$_/native/$file" }
    }) + @{ From = Join-Path $package "$SodiumOsxRid/native/libsodium.dylib"; To = Join-Path $Destination 'runtimes/osx/native/libsodium.dylib' }
    $bytes = 0
    foreach ($f in $files) {
        if (-not (Test-Path -LiteralPath $f.From)) { throw "libsodium native build not found: $($f.From) (dotnet restore src/PSPeerChat.Core)." }
        New-Item -ItemType Directory -Path (Split-Path $f.To) -Force | Out-Null
        Copy-Item -LiteralPath $f.From -Destination $f.To -Force
        $bytes += (Get-Item -LiteralPath $f.To).Length
    }
    # Its ISC licence asks for the copyright notice to travel with the copies.
    Copy-Item -LiteralPath (Join-Path (Split-Path $package) 'LICENSE') -Destination (Join-Path $Destination 'runtimes/libsodium.LICENSE') -Force
    Write-Host "==> libsodium $($version[0]): $($files.Count) native builds, $bytes bytes, in runtimes/"
}

function Get-PesterManifestPath {
    $globalPackages = Get-GlobalPackagesPath
    $psd1 = Join-Path $globalPackages 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $psd1)) {
        # PackageDownload in the test project fetches it.
        Write-Host "==> dotnet restore $TestProject (fetch Pester)"
        & dotnet restore $TestProject --nologo | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "dotnet restore failed (exit code $LASTEXITCODE)." }
    }
    if (-not (Test-Path $psd1)) { throw "Pester not found at $psd1" }
    return $psd1
}

# The chat console test drives Enter-PeerChat in tmux, with nc as a plain text peer. Install them where this
# script may (root with apt-get, as on CI); elsewhere that test is skipped and says why.
function Install-TestTools {
    $missing = @(@(@{ Command = 'tmux'; Package = 'tmux' }, @{ Command = 'nc'; Package = 'netcat-openbsd' }) |
        Where-Object { -not (Get-Command $_.Command -CommandType Application -ErrorAction SilentlyContinue) })
    if ($missing.Count -eq 0) { return }
    $packages = @($missing | ForEach-Object { $_.Package }) -join ' '
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if (-not $isRoot -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Warning "Not installed: $packages. The chat console tests will be skipped (install them to run those)."
        return
    }
    Write-Host "==> apt-get install $packages (for the chat console tests)"
    & apt-get update -qq *> $null
    & apt-get install -y -qq @($missing | ForEach-Object { $_.Package }) *> $null
    if ($LASTEXITCODE -ne 0) { Write-Warning "apt-get could not install $packages; the chat console tests will be skipped." }
}

# The xunit classes that run a second time with PSPEERCHAT_CRYPTO=BouncyCastle: the ones that sign, verify or seal.
$BouncyCastleClasses = @('NoiseVectorTests', 'NoiseRecordTests', 'NoiseHandshakeTests', 'DirectFrameTests', 'ChannelFrameTests',
    'MessageFrameTests', 'SignatureVolumeTests', 'IdentityFileTests', 'LinkHandshakeTests', 'EncryptedLinkTests',
    'SecurityForgeryTests', 'ProofOfWorkTests') | ForEach-Object { "FullyQualifiedName~PSPeerChat.Core.Tests.$_" }

# One dotnet test run (all tests, or those of -Filter joined by '|'), with PSPEERCHAT_CRYPTO set to -Crypto for it;
# returns passed, failed, skipped from its trx file (a crash or missing file counts as 1 failure).
function Invoke-Xunit([string]$Name, [string[]]$Filter, [string]$Crypto) {
    $trxPath = Join-Path $ResultsDir "$Name.trx"
    $arguments = @($TestProject, '-c', $Configuration, '--nologo', '--logger', "trx;LogFileName=$Name.trx", '--results-directory', $ResultsDir)
    if ($Filter) { $arguments += @('--filter', ($Filter -join '|')) }
    $oldCrypto = $env:PSPEERCHAT_CRYPTO
    try {
        if ($Crypto) { $env:PSPEERCHAT_CRYPTO = $Crypto }
        Write-Host "==> dotnet test $TestProject -c $Configuration$(if ($Crypto) { " (PSPEERCHAT_CRYPTO=$Crypto, $(@($Filter).Count) classes)" })"
        & dotnet test @arguments | Out-Host
        $testExit = $LASTEXITCODE
    }
    finally {
        $env:PSPEERCHAT_CRYPTO = $oldCrypto
    }
    if (-not (Test-Path $trxPath)) {
        Write-Host "xunit ($Name): no result file ($trxPath), dotnet test exit code $testExit; counting as 1 failure."
        return @(0, 1, 0)
    }
    [xml]$trx = Get-Content -LiteralPath $trxPath -Raw
    $c = $trx.TestRun.ResultSummary.Counters
    $xPassed  = [int]$c.passed
    $xFailed  = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    # xunit skips are UnitTestResult outcome="NotExecuted" (the notExecuted counter stays 0).
    $xSkipped = $trx.SelectNodes("//*[local-name()='UnitTestResult'][@outcome='NotExecuted']").Count
    if ($testExit -ne 0 -and $xFailed -eq 0) {
        Write-Host "xunit ($Name): dotnet test exited $testExit with no failed test recorded; counting as 1 failure."
        $xFailed = 1
    }
    Write-Host "xunit ($Name): $xPassed passed, $xFailed failed, $xSkipped skipped"
    return @($xPassed, $xFailed, $xSkipped)
}

function Invoke-Test {
    $passed = 0; $failed = 0; $skipped = 0
    Install-TestTools

    # A failed module build counts as one failure; xunit still runs (it only needs Core).
    $built = $false
    try {
        Invoke-Build
        $built = $true
    }
    catch {
        Write-Host "Build: FAILED: $_"
        $failed += 1
    }

    if (Test-Path $ResultsDir) { Remove-Item $ResultsDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null

    # --- xunit -------------------------------------------------------------
    # Everything on the default crypto backend (libsodium here), then the crypto-bound classes again on BouncyCastle
    # (PSPEERCHAT_CRYPTO, docs/performance.md "Crypto backend"): both backends must pass them.
    foreach ($run in @(
            @{ Name = 'core'; Filter = $null; Crypto = $null },
            @{ Name = 'core-bouncycastle'; Filter = $BouncyCastleClasses; Crypto = 'BouncyCastle' })) {
        $counts = Invoke-Xunit -Name $run.Name -Filter $run.Filter -Crypto $run.Crypto
        $passed += $counts[0]; $failed += $counts[1]; $skipped += $counts[2]
    }

    # --- Pester (fresh process) ---------------------------------------------
    $pesterJson = Join-Path $ResultsDir 'pester.json'
    if (-not $built) {
        Write-Host 'Pester: not run, the module did not build (already counted as 1 failure).'
    }
    else {
        $pesterExit = -1
        try {
            $pesterPsd1 = Get-PesterManifestPath
            $env:PSPEERCHAT_MODULE = $ManifestPath
            Write-Host "==> Pester ($pesterPsd1)"
            & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterTests.ps1') `
                -ModulePath $ModuleOutDir -PesterPath $pesterPsd1 -ResultPath $pesterJson
            $pesterExit = $LASTEXITCODE
        }
        catch {
            Write-Host "Pester: could not start: $_"
        }
        if ($pesterExit -eq 0 -and (Test-Path $pesterJson)) {
            $p = Get-Content -LiteralPath $pesterJson -Raw | ConvertFrom-Json
            $pPassed  = [int]$p.PassedCount
            $pFailed  = [int]$p.FailedCount + [int]$p.FailedBlocksCount + [int]$p.FailedContainersCount
            $pSkipped = [int]$p.SkippedCount
            Write-Host "Pester: $pPassed passed, $pFailed failed, $pSkipped skipped"
            $passed += $pPassed; $failed += $pFailed; $skipped += $pSkipped
        }
        else {
            Write-Host "Pester: runner exit code $pesterExit, result file present: $(Test-Path $pesterJson); counting as 1 failure."
            $failed += 1
        }
    }

    $summary = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $summary += ", $skipped skipped" }
    Write-Host $summary
    if ($failed -gt 0) { $script:ExitCode = 1 }
}

function Invoke-Package {
    $version = Get-ModuleVersion
    if (-not (Get-ChangelogSection $version.Full)) {
        throw "CHANGELOG.md has no '## [$($version.Full)] - <date>' section: move the [Unreleased] entries under that heading before packaging $($version.Full)."
    }
    Invoke-Build
    Write-Host "==> tools/New-ModulePackage.ps1 -ModulePath $ModuleOutDir -DestinationPath $PackageDir"
    $package = & (Join-Path $Root 'tools/New-ModulePackage.ps1') -ModulePath $ModuleOutDir -DestinationPath $PackageDir
    Write-Host "Package: $($package.FullName)"
}

function Invoke-Chat {
    try {
        Invoke-Build
    }
    catch {
        # On Windows a second chat cannot replace the dll the first one has loaded; the module in out/ is current.
        if (-not (Test-Path $ManifestPath)) { throw }
        Write-Warning "Could not rebuild the module ($($_.Exception.Message)); using the one already in out/."
    }
    # Not captured or piped: the child inherits this terminal (stdin/stdout).
    & dotnet pwsh -NoProfile -File (Join-Path $Root 'tools/Start-Chat.ps1') -ModulePath $ManifestPath
    $script:ExitCode = $LASTEXITCODE
}

function Invoke-Clean {
    if (Test-Path $OutDir) { Remove-Item $OutDir -Recurse -Force }
    Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Filter '*.csproj' -Recurse -File -ErrorAction SilentlyContinue |
        ForEach-Object {
            foreach ($d in 'bin', 'obj') {
                $p = Join-Path $_.DirectoryName $d
                if (Test-Path $p) { Remove-Item $p -Recurse -Force }
            }
        }
    Write-Host 'Clean done.'
}

function Invoke-Bench {
    # The shared workload (shared/bench/SPEC.md): bench/PSPeerChat.Bench (engine) and bench/Invoke-ModuleBench.ps1 (cmdlets).
    $script:Configuration = 'Release' # a benchmark of a Debug build means nothing
    Invoke-Build
    $benchProject = Join-Path $Root 'bench/PSPeerChat.Bench/PSPeerChat.Bench.csproj'
    Write-Host "==> dotnet build $benchProject -c Release"
    & dotnet build $benchProject -c Release --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw "dotnet build of the bench failed (exit code $LASTEXITCODE)." }
    $benchDll = Join-Path $Root 'bench/PSPeerChat.Bench/bin/Release/net10.0/PSPeerChat.Bench.dll'
    $inv = [Globalization.CultureInfo]::InvariantCulture

    $summary = [System.Collections.Generic.List[object]]::new()
    # Output is echoed line by line as it comes, and the JSON lines are kept for the summary.
    $step = {
        param([string]$Title, [string]$Exe, [string[]]$Arguments)
        Write-Host ''
        Write-Host "==> $Title"
        Write-Host ("    {0} {1}" -f $Exe, ($Arguments -join ' '))
        $lines = [System.Collections.Generic.List[string]]::new()
        & $Exe @Arguments | ForEach-Object { Write-Host $_; $lines.Add([string]$_) }
        $code = $LASTEXITCODE
        if ($code -ne 0) { Write-Host "    (exit code $code)"; $script:BenchFailures++ }
        # The median line when there is one, else the single run's line.
        $json = @($lines | Where-Object { $_ -like '{*' } | ForEach-Object { $_ | ConvertFrom-Json })
        $pick = @($json | Where-Object { $_.PSObject.Properties['run'] -and $_.run -eq 'median' }) + @($json) | Select-Object -First 1
        if ($pick) { $summary.Add([pscustomobject]@{ Title = $Title; Result = $pick }) }
    }
    $script:BenchFailures = 0

    $common = @('--nodes', [string]$Nodes, '--messages', [string]$Messages, '--rate', $Rate.ToString($inv))
    & $step 'engine, signed (3 runs)' 'dotnet' (@($benchDll) + $common + @('--runs', '3'))
    & $step 'engine, unsigned (3 runs, bench-only switch)' 'dotnet' (@($benchDll) + $common + @('--runs', '3', '--unsigned'))
    foreach ($pace in 100, 1000) {
        # About 10 s of sending at the fixed rate.
        # One waiting consumer thread per node: at a fixed rate the latency, not the CPU, is the figure, and a
        # polling consumer would add up to its polling interval to every delivery.
        $paced = @('--nodes', [string]$Nodes, '--messages', [string](10 * $pace), '--rate', [string]$pace, '--runs', '1', '--consumer', 'threads')
        & $step "engine, signed, paced at $pace msg/s (1 run)" 'dotnet' (@($benchDll) + $paced)
    }
    # At 1,000 msg/s the 20 waiting threads are woken ~19,000 times a second, CPU the network then lacks; the polling
    # consumer (one thread, a sweep every millisecond) shows what the network itself does at that rate.
    $paced = @('--nodes', [string]$Nodes, '--messages', '10000', '--rate', '1000', '--runs', '1', '--consumer', 'poller')
    & $step 'engine, signed, paced 1000 msg/s, poller (1 run)' 'dotnet' (@($benchDll) + $paced)
    & $step 'engine, idle node memory' 'dotnet' @($benchDll, '--idle')
    & $step 'engine, one hostile peer (protocol.md §8.9)' 'dotnet' @($benchDll, '--hostile')
    & $step 'engine, proof of work per message (protocol.md §3.10)' 'dotnet' @($benchDll, '--pow')
    & $step 'module, signed (fresh pwsh)' 'dotnet' @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'bench/Invoke-ModuleBench.ps1'),
        '-ModulePath', $ManifestPath, '-Nodes', [string]$Nodes, '-Messages', [string]$Messages, '-Rate', $Rate.ToString($inv))

    Write-Host ''
    Write-Host '==> Summary (medians where there were several runs)'
    # A failed run's line lacks most figures: read them without tripping strict mode.
    $figure = {
        param($Object, [string]$Path)
        foreach ($name in $Path.Split('.')) {
            if ($null -eq $Object -or -not $Object.PSObject.Properties[$name]) { return [double]::NaN }
            $Object = $Object.$name
        }
        if ($null -eq $Object) { [double]::NaN } else { $Object }
    }
    foreach ($s in $summary) {
        $r = $s.Result
        $idle = & $figure $r 'idleNodeHeapBytes'
        if (-not [double]::IsNaN($idle)) {
            Write-Host ([string]::Format($inv, '{0,-48} {1:N1} KiB of managed heap per idle node', $s.Title, $idle / 1024))
            continue
        }
        $hashRate = & $figure $r 'hashesPerSec'
        if (-not [double]::IsNaN($hashRate)) {
            # The expected time per message (average hashes over the measured rate) for the 100-byte payload.
            $hundred = @($r.cases | Where-Object { $_.textBytes -eq 100 } | ForEach-Object { [string]::Format($inv, '{0:N0} ms at {1:N0}', $_.expectedMs, $_.difficulty) }) -join ', '
            Write-Host ([string]::Format($inv, '{0,-48} {1:N2} M hashes/s; a 100-byte message costs {2} (hashes per byte)', $s.Title, $hashRate / 1e6, $hundred))
            continue
        }
        $hostile = & $figure $r 'heapPeakMB'
        if (-not [double]::IsNaN($hostile)) {
            Write-Host ([string]::Format($inv, '{0,-48} heap peak {1:N1} MB (budget {2} MB), honest messages {3}/{4}, honest link kept: {5}, honest dial accepted: {6}',
                $s.Title, $hostile, (& $figure $r 'budgetMB'), (& $figure $r 'honestDelivered'), (& $figure $r 'honestSent'), (& $figure $r 'honestLinkKept'), (& $figure $r 'honestDialAccepted')))
            continue
        }
        $line = [string]::Format($inv, '{0,-48} N={1} M={2,-5} {3,9:N0} deliveries/s  ratio {4:0.###}  latency p50 {5,8:N1} p99 {6,8:N1} ms  dup {7:0.#}/msg  RSS peak {8,4:N0} MB  CPU {9,6:N2} s  {10:P0} of verify bound',
            $s.Title, (& $figure $r 'nodes'), (& $figure $r 'messages'), (& $figure $r 'deliveriesPerSec'), (& $figure $r 'deliveryRatio'),
            (& $figure $r 'latencyMs.p50'), (& $figure $r 'latencyMs.p99'), (& $figure $r 'duplicates'), (& $figure $r 'rssMB.peak'), (& $figure $r 'cpuSec'),
            (& $figure $r 'verificationBoundFraction'))
        $receive = & $figure $r 'receivePerSec'
        if (-not [double]::IsNaN($receive)) { $line += [string]::Format($inv, '  Receive-PeerMessage {0:N0}/s', $receive) }
        if (-not (& $figure $r 'complete')) { $line += '  INCOMPLETE' }
        Write-Host $line
    }
    if ($script:BenchFailures -gt 0) {
        Write-Host "$($script:BenchFailures) bench step(s) failed or were incomplete."
        $script:ExitCode = 1
    }
}

# The tool manifest (.config/dotnet-tools.json) is found from the cwd: run everything from the repo root.
# Task functions are never assigned/captured, so native child processes write straight to the console.
$script:ExitCode = 0
Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test'  { Invoke-Test }
        'Package' { Invoke-Package }
        'Chat'  { Invoke-Chat }
        'Clean' { Invoke-Clean }
        'Bench' { Invoke-Bench }
    }
}
finally {
    Pop-Location
}
exit $script:ExitCode
