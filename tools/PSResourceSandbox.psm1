#Requires -Version 7.0
<#
    A child PowerShell whose PSResourceGet state lives in a folder of its own.

    PSResourceGet keeps its repository list in <LocalApplicationData>/PSResourceGet/PSResourceRepository.xml and
    installs -Scope CurrentUser modules into $HOME/.local/share/powershell/Modules (Linux, macOS); even
    Compress-PSResource writes that list (with the default gallery) when it is missing. Tried here with
    PowerShell 7.6 and PSResourceGet 1.2: XDG_DATA_HOME alone moves the list but not the installs, and a data
    folder that does not exist makes .NET report no LocalApplicationData at all, so the list lands in the current
    directory. Invoke-SandboxedPwsh therefore starts the child with HOME, the XDG folders (created first) and
    PSModulePath pointing into <Root>/home; this process's environment is left as it is.

    On Windows those folders come from the user profile, not the environment: there the child is not isolated
    (Test-PwshSandbox says so).
#>

Set-StrictMode -Version 3.0

function Get-PwshCommand {
    <#
    .SYNOPSIS
        The executable and leading arguments that start a PowerShell like this one: pwsh itself, or (as the
        dotnet tool) dotnet running pwsh.dll. No tool manifest lookup, so it works with HOME moved.
    #>
    $exe = [Environment]::ProcessPath
    $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
    [pscustomobject]@{ Exe = $exe; Prefix = $prefix }
}

function Test-PwshSandbox {
    <#
    .SYNOPSIS
        True where Invoke-SandboxedPwsh isolates PSResourceGet (Linux, macOS).
    #>
    return ($IsLinux -or $IsMacOS)
}

function Get-SandboxHome {
    <#
    .SYNOPSIS
        The home folder of a sandbox under Root, and the module folder Install-PSResource -Scope CurrentUser uses there.
    #>
    param([Parameter(Mandatory)] [string] $Root)
    $homeDir = Join-Path $Root 'home'
    [pscustomobject]@{
        Home    = $homeDir
        Modules = Join-Path $homeDir '.local/share/powershell/Modules'
    }
}

function Invoke-SandboxedPwsh {
    <#
    .SYNOPSIS
        Runs Command in a fresh pwsh (-NoProfile -NonInteractive) whose HOME, XDG folders and PSModulePath are under
        Root, in Root as its working directory; returns { ExitCode, Output } (stdout, then stderr, as lines).
        Only the child's environment is changed; its HTTP(S) proxy is a closed local port, so it cannot reach any
        server. Past TimeoutSec the child (and what it started) is killed and this
        throws with what it had written.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $Command,
        [int] $TimeoutSec = 120
    )

    $sandbox = Get-SandboxHome -Root $Root
    $data = Join-Path $sandbox.Home '.local/share'
    $config = Join-Path $sandbox.Home '.config'
    $cache = Join-Path $sandbox.Home '.cache'
    foreach ($dir in $data, $config, $cache, $sandbox.Modules) {
        $null = New-Item -ItemType Directory -Path $dir -Force
    }

    $pwsh = Get-PwshCommand
    $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh.Exe)
    foreach ($a in @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', $Command)) { $start.ArgumentList.Add($a) }
    # The child starts in the sandbox: nothing it writes by relative path lands in the caller's folder.
    $start.WorkingDirectory = $Root
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.Environment['HOME'] = $sandbox.Home
    $start.Environment['XDG_DATA_HOME'] = $data
    $start.Environment['XDG_CONFIG_HOME'] = $config
    $start.Environment['XDG_CACHE_HOME'] = $cache
    # The sandbox's user modules, then PowerShell's own (PSResourceGet ships there).
    $start.Environment['PSModulePath'] = $sandbox.Modules + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
    $start.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    # Offline by construction: any HTTP(S) request of the child goes to a closed local port and fails at once.
    foreach ($proxy in 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy') {
        $start.Environment[$proxy] = 'http://127.0.0.1:9'
    }
    $start.Environment['NO_PROXY'] = ''
    $start.Environment['no_proxy'] = ''
    $start.Environment['POWERSHELL_UPDATECHECK'] = 'Off'

    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            $process.WaitForExit()
            throw "The sandboxed pwsh did not finish within $TimeoutSec s and was stopped. It wrote:`n$($stdout.Result)`n$($stderr.Result)"
        }
        $process.WaitForExit() # the redirected streams are complete after this one
        $lines = @(@($stdout.Result -split '\r?\n') + @($stderr.Result -split '\r?\n') | Where-Object { $_ -ne '' })
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $lines }
    }
    finally {
        $process.Dispose()
    }
}

function ConvertTo-PSLiteral {
    <#
    .SYNOPSIS
        A string as a single-quoted PowerShell literal, for building a child's -Command.
    #>
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)
    return "'" + $Text.Replace("'", "''") + "'"
}

Export-ModuleMember -Function Get-PwshCommand, Test-PwshSandbox, Get-SandboxHome, Invoke-SandboxedPwsh, ConvertTo-PSLiteral
