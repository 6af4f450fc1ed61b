#Requires -Version 7.0
# The help of every exported cmdlet, as Get-Help shows it from the generated MAML (docs/en-US -> en-US/*.xml):
# a real synopsis and description, examples with code, a description for every parameter; the about topic;
# and the generator refusing to build when a cmdlet has no Markdown. Test cases come from the module itself, so
# a new cmdlet or parameter without help fails here.

BeforeDiscovery {
    Import-Module $env:PSPEERCHAT_MODULE -Force

    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $cmdletCases = @(Get-Command -Module PSPeerChat -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            @{
                Name       = $_.Name
                # -WhatIf and -Confirm are documented like any other parameter; only common parameters are exempt.
                Parameters = @($_.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
            }
        })
}

BeforeAll {
    Import-Module $env:PSPEERCHAT_MODULE -Force
    $script:ModuleDir = Split-Path -Parent $env:PSPEERCHAT_MODULE

    # The text of a MAML description (a list of paragraphs) as one string.
    function Get-HelpText($Description) {
        if ($null -eq $Description) { return '' }
        return ((@($Description) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n").Trim()
    }
}

Describe 'The module ships help' {
    It 'has the MAML help file of its cmdlets and the about topic in en-US' {
        Join-Path $ModuleDir 'en-US/PSPeerChat.dll-Help.xml' | Should -Exist
        Join-Path $ModuleDir 'en-US/about_PSPeerChat.help.txt' | Should -Exist
        { [xml](Get-Content -LiteralPath (Join-Path $ModuleDir 'en-US/PSPeerChat.dll-Help.xml') -Raw) } | Should -Not -Throw
    }

    It 'exports every cmdlet the manifest lists, and documents each one' {
        $manifest = Import-PowerShellDataFile -LiteralPath $env:PSPEERCHAT_MODULE
        $exported = @(Get-Command -Module PSPeerChat -CommandType Cmdlet).Name
        $exported | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        [xml]$maml = Get-Content -LiteralPath (Join-Path $ModuleDir 'en-US/PSPeerChat.dll-Help.xml') -Raw
        $documented = @($maml.helpItems.command | ForEach-Object { $_.details.name })
        $documented | Sort-Object | Should -Be ($exported | Sort-Object)
    }
}

Describe 'Help of <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $command = Get-Command -Name $Name
    }

    It 'has a synopsis of its own, not the syntax stub Get-Help makes up without help' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -BeLike "$Name *" -Because 'without help, Get-Help puts the syntax in the synopsis'
        $synopsis | Should -Not -Match '\[<CommonParameters>\]'
        $synopsis.Length | Should -BeGreaterThan 15
    }

    It 'has a description' {
        $text = Get-HelpText $help.description
        $text | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md needs a '## DESCRIPTION'"
        $text.Length | Should -BeGreaterThan 80
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            "$($example.code)".Trim() | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs code"
            Get-HelpText $example.remarks | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs an explanation"
        }
    }

    It 'shows one syntax per parameter set' {
        @($help.syntax.syntaxItem).Count | Should -Be @($command.ParameterSets).Count
    }

    It 'names the types it outputs' {
        $declared = @($command.OutputType.Name | Where-Object { $_ -ne 'System.Void' })
        $listed = @($help.returnValues.returnValue | ForEach-Object { "$($_.type.name)".Trim() })
        foreach ($type in $declared) { $listed | Should -Contain $type }
    }

    It 'describes -<_>' -ForEach $Parameters {
        $parameter = $_
        $parameterHelp = @($help.parameters.parameter | Where-Object { $_.name -eq $parameter })
        $parameterHelp.Count | Should -Be 1 -Because "-$parameter needs a '### -$parameter' under '## PARAMETERS' in docs/en-US/$Name.md"
        Get-HelpText $parameterHelp[0].description | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
    }

    It 'states the parameter facts of -<_> as the cmdlet declares them' -ForEach $Parameters {
        $parameter = $_
        $parameterHelp = @($help.parameters.parameter | Where-Object { $_.name -eq $parameter })[0]
        $meta = $command.Parameters[$parameter]
        $wildcards = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $parameterHelp.globbing | Should -Be $wildcards.ToString().ToLowerInvariant()
        $byValue = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipeline })
        ($parameterHelp.pipelineInput -match 'ByValue') | Should -Be $byValue
    }
}

Describe 'about_PSPeerChat' {
    It 'is found by Get-Help and explains the concepts' {
        $text = Get-Help -Name about_PSPeerChat | Out-String
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'serverless peer-to-peer chat network'
        foreach ($concept in 'NODES', 'FLOOD FILL', 'JOINING', 'IDENTITY', 'DIRECT MESSAGES', 'TEXT PEERS') {
            $text | Should -Match $concept
        }
    }

    It 'is listed among the help topics' {
        $topic = @(Get-Help -Name 'about_PSPeerCha*' -Category HelpFile)
        $topic | Should -Not -BeNullOrEmpty
    }
}

Describe 'tools/Build-Help.ps1' {
    It 'fails, naming the cmdlet, when an exported cmdlet has no Markdown file' {
        $source = Join-Path $TestDrive 'docs'
        $null = New-Item -ItemType Directory -Path $source
        Copy-Item -Path (Join-Path $PSScriptRoot '../docs/en-US/*.md') -Destination $source
        Remove-Item -LiteralPath (Join-Path $source 'Get-PeerAddress.md')
        $out = Join-Path $TestDrive 'out'

        # A fresh PowerShell like this one: pwsh itself, or (as a dotnet tool) dotnet running pwsh.dll.
        $host_ = [Environment]::ProcessPath
        $hostArgs = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { $hostArgs = @(Join-Path $PSHOME 'pwsh.dll') }
        $output = & $host_ @hostArgs -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot '../tools/Build-Help.ps1') `
            -SourcePath $source -ModulePath $ModuleDir -OutputPath $out 2>&1 | Out-String

        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'Get-PeerAddress'
        $output | Should -Match 'missing'
        Join-Path $out 'PSPeerChat.dll-Help.xml' | Should -Not -Exist -Because 'nothing is written when help is missing'
    }
}
