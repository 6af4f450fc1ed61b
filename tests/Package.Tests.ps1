#Requires -Version 7.0
# The module as a user installs it. tools/New-ModulePackage.ps1 (what build.ps1 -Task Package runs after the build)
# packs the built out/PSPeerChat; PSResourceGet publishes the package to a folder repository and installs it into the
# current user scope; a fresh session imports PSPeerChat by name and starts a node. Install-Module (PowerShellGet 2)
# is tried too. Offline: a folder repository is the only one (PSResourceGet's default gallery is unregistered first).
# Every install runs in a child pwsh whose HOME, XDG folders and PSModulePath are under $TestDrive
# (tools/PSResourceSandbox.psm1); the last test checks that the user's own repository lists and modules are as they were.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../tools/PSResourceSandbox.psm1') -Force
    $script:NoSandbox = -not (Test-PwshSandbox)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../tools/PSResourceSandbox.psm1') -Force
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).ProviderPath
    $moduleDir = Split-Path -Parent (Resolve-Path $env:PSPEERCHAT_MODULE).ProviderPath

    # The user's own state: the repository lists of PSResourceGet and of PowerShellGet 2 (by content) and the PSPeerChat
    # versions installed for this user, at the paths those modules use (LocalApplicationData, PowerShell's cache
    # folder; $HOME/.local/share/powershell on Unix).
    function Get-UserState {
        $store = Join-Path ([Environment]::GetFolderPath('LocalApplicationData', 'DoNotVerify')) 'PSResourceGet/PSResourceRepository.xml'
        $store2 = Join-Path ([System.Management.Automation.Platform]::SelectProductNameForDirectory('CACHE')) 'PowerShellGet/PSRepositories.xml'
        $installed = Join-Path $HOME '.local/share/powershell/Modules/PSPeerChat'
        [pscustomobject]@{
            Store     = if (Test-Path -LiteralPath $store) { (Get-FileHash -LiteralPath $store).Hash } else { '(none)' }
            Store2    = if (Test-Path -LiteralPath $store2) { (Get-FileHash -LiteralPath $store2).Hash } else { '(none)' }
            Installed = if (Test-Path -LiteralPath $installed) { @(Get-ChildItem -LiteralPath $installed).Name -join ',' } else { '(none)' }
            Home      = $env:HOME
        }
    }
    $before = Get-UserState

    # The one version number, and what the manifest must say for it (1.2.0-beta1: ModuleVersion 1.2.0, Prerelease beta1).
    [xml]$props = Get-Content -LiteralPath (Join-Path $repoRoot 'Directory.Build.props') -Raw
    $version = $props.SelectSingleNode('/Project/PropertyGroup/Version').InnerText.Trim()
    $moduleVersion, $prerelease = $version.Split('-', 2)
    $manifest = Import-PowerShellDataFile -LiteralPath $env:PSPEERCHAT_MODULE

    $package = & (Join-Path $repoRoot 'tools/New-ModulePackage.ps1') -ModulePath $moduleDir -DestinationPath (Join-Path $TestDrive 'pkg')

    # The entries of the package, and its nuspec.
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $zip = [System.IO.Compression.ZipFile]::OpenRead($package.FullName)
    try {
        $entries = @($zip.Entries | ForEach-Object { $_.FullName })
        $reader = [System.IO.StreamReader]::new($zip.GetEntry('PSPeerChat.nuspec').Open())
        try { [xml]$nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
    }
    finally {
        $zip.Dispose()
    }

    # The last line 'RESULT <json>' of a sandboxed run, as an object; the whole output on failure.
    function Get-RunResult($Run) {
        $line = @($Run.Output | Where-Object { $_ -like 'RESULT *' }) | Select-Object -Last 1
        if ($Run.ExitCode -ne 0 -or -not $line) {
            throw "The sandboxed pwsh exited with $($Run.ExitCode):`n$($Run.Output -join "`n")"
        }
        return ($line.Substring(7) | ConvertFrom-Json)
    }
}

Describe 'build.ps1 -Task Package' {
    It 'packs the version of Directory.Build.props with the manifest, formats, help, dlls and LICENSE' {
        $package.Name | Should -Be "PSPeerChat.$version.nupkg"
        $nuspec.package.metadata.id | Should -Be 'PSPeerChat'
        $nuspec.package.metadata.version | Should -Be $version
        foreach ($file in 'PSPeerChat.psd1', 'PSPeerChat.Format.ps1xml', 'en-US/PSPeerChat.dll-Help.xml',
            'en-US/about_PSPeerChat.help.txt', 'PSPeerChat.dll', 'PSPeerChat.Core.dll', 'BouncyCastle.Cryptography.dll', 'LICENSE') {
            $entries | Should -Contain $file
        }
        $entries | Should -Not -Contain 'System.Management.Automation.dll'
        # libsodium's native builds (docs/performance.md, "Crypto backend").
        foreach ($file in 'runtimes/linux-x64/native/libsodium.so', 'runtimes/linux-arm64/native/libsodium.so',
            'runtimes/win-x64/native/libsodium.dll', 'runtimes/win-arm64/native/libsodium.dll', 'runtimes/osx/native/libsodium.dylib',
            'runtimes/libsodium.LICENSE') {
            $entries | Should -Contain $file
        }
        # What a gallery search shows: a module, with the manifest's tags.
        $nuspec.package.metadata.tags -split ' ' | Should -Contain 'PSModule'
        $nuspec.package.metadata.tags -split ' ' | Should -Contain 'P2P'
    }

    It 'writes that one version into the manifest and both assemblies' {
        $manifest.ModuleVersion | Should -Be $moduleVersion
        "$($manifest.PrivateData.PSData.Prerelease)" | Should -Be "$prerelease"
        foreach ($dll in 'PSPeerChat.dll', 'PSPeerChat.Core.dll') {
            $assembly = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $moduleDir $dll)).Version
            '{0}.{1}.{2}' -f $assembly.Major, $assembly.Minor, $assembly.Build | Should -Be $moduleVersion -Because $dll
        }
    }

    It 'carries the version''s section of CHANGELOG.md as release notes, tags and the licence' {
        $notes = $manifest.PrivateData.PSData.ReleaseNotes
        $notes | Should -Match "^$([regex]::Escape($version)) - \d{4}-\d{2}-\d{2}"
        $changelog = (Get-Content -LiteralPath (Join-Path $repoRoot 'CHANGELOG.md') -Raw).Replace("`r`n", "`n")
        $changelog | Should -Match "(?m)^## \[$([regex]::Escape($version))\]"
        # Everything after the heading is the CHANGELOG's text as written.
        $body = $notes.Substring($notes.IndexOf("`n")).Trim()
        $body.Length | Should -BeGreaterThan 100
        $changelog.Contains($body) | Should -BeTrue
        $nuspec.package.metadata.releaseNotes.Trim() | Should -Be $notes.Trim()
        $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $manifest.PrivateData.PSData.License | Should -Match 'MIT'
    }

    It 'installs from a local folder repository, and a fresh session imports it by name and starts a node' -Skip:$NoSandbox {
        $sandbox = Join-Path $TestDrive 'sandbox'
        $repository = Join-Path $TestDrive 'repository'
        $null = New-Item -ItemType Directory -Path $sandbox, $repository -Force

        $install = @'
$ErrorActionPreference = 'Stop'
Unregister-PSResourceRepository -Name PSGallery -ErrorAction SilentlyContinue
Register-PSResourceRepository -Name Local -Uri {0} -Trusted
Publish-PSResource -NupkgPath {1} -Repository Local
Install-PSResource -Name PSPeerChat -Repository Local -Scope CurrentUser -Prerelease
$i = Get-InstalledPSResource -Name PSPeerChat -Scope CurrentUser
'RESULT ' + (@{{ Version = "$($i.Version)"; Prerelease = "$($i.Prerelease)"; Location = $i.InstalledLocation; Repositories = @(Get-PSResourceRepository | ForEach-Object Name) }} | ConvertTo-Json -Compress)
'@ -f (ConvertTo-PSLiteral $repository), (ConvertTo-PSLiteral $package.FullName)
        $installed = Get-RunResult (Invoke-SandboxedPwsh -Root $sandbox -Command $install)

        $modules = (Get-SandboxHome -Root $sandbox).Modules
        $installed.Version | Should -Be $moduleVersion
        $installed.Prerelease | Should -Be "$prerelease"
        $installed.Location | Should -Be $modules
        @($installed.Repositories) | Should -Be @('Local') -Because 'the folder repository is the only one: nothing goes online'
        Join-Path $repository "PSPeerChat.$version.nupkg" | Should -Exist
        Join-Path $modules "PSPeerChat/$moduleVersion/PSPeerChat.psd1" | Should -Exist

        $use = @'
$ErrorActionPreference = 'Stop'
Import-Module PSPeerChat
$m = Get-Module PSPeerChat
$node = Start-PeerNode -Name packaged -Port 0
$state = "$($node.State)"
$endpoint = $node.Endpoint
$crypto = $node.CryptoBackend
Stop-PeerNode -Node $node -Confirm:$false
'RESULT ' + (@{ Crypto = $crypto; Version = "$($m.Version)"; Base = $m.ModuleBase; Cmdlets = $m.ExportedCmdlets.Count; Synopsis = (Get-Help Start-PeerNode).Synopsis; State = $state; Endpoint = $endpoint; After = "$($node.State)" } | ConvertTo-Json -Compress)
'@
        $used = Get-RunResult (Invoke-SandboxedPwsh -Root $sandbox -Command $use)

        $used.Version | Should -Be $moduleVersion
        $used.Base | Should -Be (Join-Path $modules "PSPeerChat/$moduleVersion")
        $used.Cmdlets | Should -Be @($manifest.CmdletsToExport).Count
        $used.Synopsis | Should -Match 'node' -Because 'the installed module carries its help'
        $used.State | Should -Be 'Running'
        $used.Endpoint | Should -Match ':\d+$'
        $used.Endpoint | Should -Not -Match ':0$'
        $used.After | Should -Be 'Stopped'
        # The installed module loads its own libsodium on every platform it ships one for (this one among them).
        $used.Crypto | Should -BeLike 'libsodium 1.0.22*'
    }

    It 'installs with Install-Module (PowerShellGet 2) from a folder repository too' -Skip:$NoSandbox {
        $sandbox = Join-Path $TestDrive 'sandbox2'
        $repository = Join-Path $TestDrive 'repository2'
        $null = New-Item -ItemType Directory -Path $sandbox, $repository -Force
        Copy-Item -LiteralPath $package.FullName -Destination $repository

        $install = @'
$ErrorActionPreference = 'Stop'
Register-PSRepository -Name Local -SourceLocation {0} -InstallationPolicy Trusted
Install-Module -Name PSPeerChat -Repository Local -Scope CurrentUser -AllowPrerelease
Import-Module PSPeerChat
$m = Get-Module PSPeerChat
'RESULT ' + (@{{ Version = "$($m.Version)"; Base = $m.ModuleBase; Cmdlets = $m.ExportedCmdlets.Count }} | ConvertTo-Json -Compress)
'@ -f (ConvertTo-PSLiteral $repository)
        $used = Get-RunResult (Invoke-SandboxedPwsh -Root $sandbox -Command $install)

        $used.Version | Should -Be $moduleVersion
        $used.Base | Should -Be (Join-Path (Get-SandboxHome -Root $sandbox).Modules "PSPeerChat/$moduleVersion")
        $used.Cmdlets | Should -Be @($manifest.CmdletsToExport).Count
    }

    It 'leaves the user''s own repository lists and modules as they were' {
        $after = Get-UserState
        $after.Store | Should -Be $before.Store
        $after.Store2 | Should -Be $before.Store2
        $after.Installed | Should -Be $before.Installed
        $after.Home | Should -Be $before.Home
    }
}
