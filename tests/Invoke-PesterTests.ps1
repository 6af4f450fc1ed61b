#Requires -Version 7.0
<#
.SYNOPSIS
    Runs every tests/*.Tests.ps1 with Pester and writes a JSON summary.

.DESCRIPTION
    Started by build.ps1 -Task Test in a fresh pwsh process:
      dotnet pwsh -NoProfile -NonInteractive -File tests/Invoke-PesterTests.ps1 `
          -ModulePath out/PSPeerChat -PesterPath <globalPackagesFolder>/pester/6.2.0/tools/Pester.psd1 `
          -ResultPath out/TestResults/pester.json

    Convention for test files: import the built module with
        Import-Module $env:PSPEERCHAT_MODULE -Force
    PSPEERCHAT_MODULE is the full path of <ModulePath>/PSPeerChat.psd1 (set here if not already set).

    Writes { PassedCount, FailedCount, SkippedCount, NotRunCount, FailedBlocksCount,
    FailedContainersCount, TotalCount, Result } to -ResultPath and exits 0 once the run has
    completed, whatever the test outcome; a non-zero exit or a missing file means the run crashed.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string]$ModulePath,
    [Parameter(Mandatory)] [string]$PesterPath,
    [Parameter(Mandatory)] [string]$ResultPath
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$moduleDir = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
if (-not $env:PSPEERCHAT_MODULE) {
    $env:PSPEERCHAT_MODULE = Join-Path $moduleDir 'PSPeerChat.psd1'
}

Import-Module -Name $PesterPath -Force

$testFiles = @(Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1' -File | Sort-Object Name)

$resultDir = Split-Path -Parent $ResultPath
if ($resultDir -and -not (Test-Path $resultDir)) {
    New-Item -ItemType Directory -Path $resultDir -Force | Out-Null
}

if ($testFiles.Count -eq 0) {
    Write-Host "Pester: no *.Tests.ps1 files in $PSScriptRoot"
    $summary = [ordered]@{
        PassedCount = 0; FailedCount = 0; SkippedCount = 0; NotRunCount = 0
        FailedBlocksCount = 0; FailedContainersCount = 0; TotalCount = 0; Result = 'Passed'
    }
}
else {
    $config = New-PesterConfiguration
    $config.Run.Path = [string[]]($testFiles.FullName)
    $config.Run.PassThru = $true
    $config.Run.Exit = $false
    $config.Run.Throw = $false
    $config.Output.Verbosity = 'Detailed'
    if ([Console]::IsOutputRedirected) { $config.Output.RenderMode = 'Plaintext' }

    $result = Invoke-Pester -Configuration $config
    $summary = [ordered]@{
        PassedCount           = [int]$result.PassedCount
        FailedCount           = [int]$result.FailedCount
        SkippedCount          = [int]$result.SkippedCount
        NotRunCount           = [int]$result.NotRunCount
        FailedBlocksCount     = [int]$result.FailedBlocksCount
        FailedContainersCount = [int]$result.FailedContainersCount
        TotalCount            = [int]$result.TotalCount
        Result                = [string]$result.Result
    }
}

$summary | ConvertTo-Json | Set-Content -LiteralPath $ResultPath -Encoding utf8
exit 0
