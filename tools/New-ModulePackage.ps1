#Requires -Version 7.0
<#
.SYNOPSIS
    Packs an assembled module folder into a .nupkg that PSResourceGet installs.

.DESCRIPTION
    Run by build.ps1 -Task Package after the build (and by tests/Package.Tests.ps1 on the built out/PSPeerChat):
        dotnet pwsh -NoProfile -File tools/New-ModulePackage.ps1 -ModulePath out/PSPeerChat -DestinationPath out/packages

    Compress-PSResource (PSResourceGet, shipped with PowerShell 7.4 and later) makes the package from the folder as it
    is: the manifest's ModuleVersion (and PSData Prerelease) gives the package version, its PSData the tags and
    release notes, and every file of the folder goes in (manifest, formats, help, dlls, LICENSE). It runs in a child
    pwsh with its own HOME (tools/PSResourceSandbox.psm1), since it writes PSResourceGet's repository list when it
    finds none: packing leaves the user's PSResourceGet settings alone. Nothing is downloaded.

    Replaces any PSPeerChat.*.nupkg already in DestinationPath and outputs the package file.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DestinationPath
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

Import-Module (Join-Path $PSScriptRoot 'PSResourceSandbox.psm1') -Force

$moduleDir = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$name = Split-Path -Leaf $moduleDir
$manifestPath = Join-Path $moduleDir "$name.psd1"
if (-not (Test-Path -LiteralPath $manifestPath)) { throw "No module manifest at ${manifestPath}: run build.ps1 -Task Build first." }
if (-not (Test-Path -LiteralPath (Join-Path $moduleDir 'LICENSE'))) {
    Write-Warning "No LICENSE in ${moduleDir}: the package will carry no licence text."
}

$null = New-Item -ItemType Directory -Path $DestinationPath -Force
$destination = (Resolve-Path -LiteralPath $DestinationPath).ProviderPath
Get-ChildItem -LiteralPath $destination -Filter "$name.*.nupkg" -File | Remove-Item -Force

$sandbox = Join-Path ([System.IO.Path]::GetTempPath()) "pspeerchat-pack-$([guid]::NewGuid().ToString('N'))"
try {
    $command = '$ErrorActionPreference = ''Stop''; Compress-PSResource -Path {0} -DestinationPath {1}' -f `
        (ConvertTo-PSLiteral $moduleDir), (ConvertTo-PSLiteral $destination)
    $run = Invoke-SandboxedPwsh -Root $sandbox -Command $command
    $output = $run.Output
    if ($run.ExitCode -ne 0) { throw "Compress-PSResource failed (exit code $($run.ExitCode)):`n$($output -join "`n")" }
}
finally {
    if (Test-Path -LiteralPath $sandbox) { Remove-Item -LiteralPath $sandbox -Recurse -Force }
}

$package = @(Get-ChildItem -LiteralPath $destination -Filter "$name.*.nupkg" -File)
if ($package.Count -ne 1) {
    throw "Expected one $name.*.nupkg in $destination after Compress-PSResource, found $($package.Count):`n$($output -join "`n")"
}
$package[0]
