#Requires -Version 7.0
<#
.SYNOPSIS
    A longer fuzz run of the engine's byte readers than CI's (not part of -Task Test).

.DESCRIPTION
    Runs the property tests of tests/PSPeerChat.Core.Tests/FuzzTests.cs with many more iterations (CsCheck's random and
    mutated frames, truncations and splits, over the codecs, the frame reader, the handshake and the text reader).
    A failure prints the shrunk input and CsCheck's seed; rerun that case with CsCheck_Seed=<seed>.

    dotnet pwsh ./tools/Invoke-Fuzz.ps1 [-Iterations 200000]
#>
[CmdletBinding()]
param(
    [long]$Iterations = 200000
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$project = Join-Path $root 'tests/PSPeerChat.Core.Tests/PSPeerChat.Core.Tests.csproj'
$env:PSPEERCHAT_FUZZ_ITER = [string]$Iterations
try {
    & dotnet test $project -c Release --nologo --filter 'FullyQualifiedName~FuzzTests' --logger 'console;verbosity=normal'
    exit $LASTEXITCODE
}
finally {
    Remove-Item Env:PSPEERCHAT_FUZZ_ITER -ErrorAction SilentlyContinue
}
