#Requires -Version 7.0
<#
.SYNOPSIS
    Builds the module's help from Markdown: MAML XML for the cmdlets, help.txt for about topics.

.DESCRIPTION
    Reads docs/en-US/<Cmdlet>.md (one per exported cmdlet) and docs/en-US/about_*.md, imports the built module
    from -ModulePath to read the cmdlets' parameters by reflection, and writes into -OutputPath:
      <Assembly>.dll-Help.xml   MAML, the format Get-Help reads for binary cmdlets
      about_*.help.txt          plain text about topics

    The module is imported into the process that runs this script: run it in a fresh process, as build.ps1 does
    (dotnet pwsh -NoProfile -File tools/Build-Help.ps1 ...), so the module dll is not loaded in your own session.

    Exit code 0 on success, 1 on any error (a cmdlet without a Markdown file, a malformed file, a failed import);
    every error is written as one line starting with "Build-Help: error:".

    Markdown layout of a cmdlet file (platyPS-like; type, position, pipeline input and wildcards come from
    reflection, not from the Markdown):

        # Verb-Noun
        ## SYNOPSIS            one paragraph
        ## DESCRIPTION         paragraphs, lists, code blocks
        ## EXAMPLES
        ### Example 1: Title
        ```powershell          the first code block is the example's code
        ...
        ```
        Explanation text (further code blocks, e.g. output, stay in the remarks).
        ## PARAMETERS
        ### -Name
        Description. An optional ```yaml block with "Default value: ..." overrides the default read from the cmdlet.
        ## INPUTS              ### TypeName + description (each)
        ## OUTPUTS             ### TypeName + description (each)
        ## NOTES
        ## RELATED LINKS       - [Text](uri) or - Text, one per line

    About topics: # about_Name, ## SHORT DESCRIPTION, ## LONG DESCRIPTION, further ## and ### headings, ## SEE ALSO.

.EXAMPLE
    dotnet pwsh -NoProfile -File tools/Build-Help.ps1 -SourcePath docs/en-US -ModulePath out/PSPeerChat -OutputPath out/PSPeerChat/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# Anything unexpected: one clear line, where it happened, exit 1.
trap {
    [Console]::Error.WriteLine("Build-Help: error: $($_.Exception.Message)")
    [Console]::Error.WriteLine($_.ScriptStackTrace)
    exit 1
}

$script:Errors = [System.Collections.Generic.List[string]]::new()
$script:Warnings = [System.Collections.Generic.List[string]]::new()

function Add-HelpError([string] $Message) { $script:Errors.Add($Message) }
function Add-HelpWarning([string] $Message) { $script:Warnings.Add($Message) }

function Exit-WithErrors {
    foreach ($w in $script:Warnings) { Write-Host "Build-Help: warning: $w" }
    foreach ($e in $script:Errors) { [Console]::Error.WriteLine("Build-Help: error: $e") }
    [Console]::Error.WriteLine("Build-Help: FAILED with $($script:Errors.Count) error(s); no help was written.")
    exit 1
}

#region Markdown -----------------------------------------------------------------------------------------

# Inline Markdown to plain text: `code` -> code, **b**/*i* -> text, [text](uri) -> text, \x -> x.
function ConvertFrom-InlineMarkdown([string] $Text) {
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', '$1')
    $t = [regex]::Replace($t, '`([^`]+)`', '$1')
    $t = [regex]::Replace($t, '\*\*([^*]+)\*\*', '$1')
    $t = [regex]::Replace($t, '(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', '$1')
    $t = [regex]::Replace($t, '\\([\\`*_\[\]<>#|-])', '$1')
    return $t
}

<#
    Splits Markdown lines into blocks:
      @{ Kind = 'Para'; Text }                    consecutive text lines, joined by spaces
      @{ Kind = 'Item'; Text; Marker }            one list item (continuation lines joined)
      @{ Kind = 'Code'; Lang; Lines }             a fenced code block
      @{ Kind = 'Pre';  Lines }                   a table (kept as is)
#>
function ConvertTo-Blocks([string[]] $Lines) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $para = [System.Collections.Generic.List[string]]::new()
    $current = $null   # the list item being continued

    $flush = {
        if ($para.Count -gt 0) {
            $blocks.Add([pscustomobject]@{ Kind = 'Para'; Text = ($para -join ' ') })
            $para.Clear()
        }
    }

    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line -match '^\s*(```+|~~~+)\s*([\w-]*)\s*$') {
            & $flush; $current = $null
            $fence = $Matches[1]; $lang = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i].Trim() -ne $fence) { $code.Add($Lines[$i]); $i++ }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Lang = $lang; Lines = [string[]]$code })
            $i++
            continue
        }
        if ($line.Trim().Length -eq 0) { & $flush; $current = $null; $i++; continue }
        if ($line -match '^\s*\|') {
            & $flush; $current = $null
            $rows = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i] -match '^\s*\|') {
                if ($Lines[$i] -notmatch '^\s*\|[\s:|-]+\|\s*$') { $rows.Add($Lines[$i].Trim()) }  # drop the |---| rule
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Pre'; Lines = [string[]]$rows })
            continue
        }
        if ($line -match '^\s{0,3}([-*+]|\d+[.)])\s+(.*)$') {
            & $flush
            $current = [pscustomobject]@{ Kind = 'Item'; Marker = $Matches[1]; Text = $Matches[2].Trim() }
            $blocks.Add($current)
            $i++
            continue
        }
        if ($null -ne $current -and $line -match '^\s+\S') {
            $current.Text += ' ' + $line.Trim()
            $i++
            continue
        }
        $current = $null
        $para.Add($line.Trim())
        $i++
    }
    & $flush
    return $blocks.ToArray()
}

<#
    Parses a Markdown file into @{ Title; Intro; Sections }: Sections is an ordered dictionary keyed by the
    upper-cased ## heading, each @{ Heading; Lines; Subs }, Subs a list of @{ Title; Lines } for ### headings.
    Headings inside fenced code are not headings.
#>
function Read-MarkdownFile([string] $Path) {
    $lines = [string[]](Get-Content -LiteralPath $Path -Encoding utf8)
    $start = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        for ($k = 1; $k -lt $lines.Count; $k++) { if ($lines[$k].Trim() -eq '---') { $start = $k + 1; break } }
    }
    $doc = @{ Title = $null; Intro = [System.Collections.Generic.List[string]]::new(); Sections = [ordered]@{} }
    $section = $null
    $sub = $null
    $inFence = $null
    # The list the current line belongs to (, keeps an empty list from being unrolled to $null).
    $targetOf = { if ($sub) { , $sub.Lines } elseif ($section) { , $section.Lines } else { , $doc.Intro } }
    for ($k = $start; $k -lt $lines.Count; $k++) {
        $line = $lines[$k]
        if ($null -eq $inFence -and $line -match '^\s*(```+|~~~+)') { $inFence = $Matches[1] }
        elseif ($null -ne $inFence -and $line.Trim() -eq $inFence) { $inFence = $null; (& $targetOf).Add($line); continue }
        if ($null -eq $inFence) {
            if ($line -match '^#\s+(.+?)\s*#*\s*$' -and $null -eq $doc.Title) { $doc.Title = $Matches[1].Trim(); continue }
            if ($line -match '^##\s+(.+?)\s*#*\s*$') {
                $heading = $Matches[1].Trim()
                $section = @{ Heading = $heading; Lines = [System.Collections.Generic.List[string]]::new(); Subs = [System.Collections.Generic.List[object]]::new() }
                $key = $heading.ToUpperInvariant()
                if ($doc.Sections.Contains($key)) { Add-HelpError "${Path}: the section '## $heading' appears twice." }
                else { $doc.Sections[$key] = $section }
                $sub = $null
                continue
            }
            if ($line -match '^###\s+(.+?)\s*#*\s*$' -and $null -ne $section) {
                $sub = @{ Title = $Matches[1].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
                $section.Subs.Add($sub)
                continue
            }
        }
        (& $targetOf).Add($line)
    }
    return $doc
}

function Get-SectionText($Doc, [string] $Name) {
    if (-not $Doc.Sections.Contains($Name)) { return '' }
    return ((ConvertTo-Blocks $Doc.Sections[$Name].Lines | Where-Object Kind -ne 'Code' | ForEach-Object { if ($_.Kind -eq 'Pre') { $_.Lines -join ' ' } else { $_.Text } }) -join ' ').Trim()
}

#endregion

#region MAML -----------------------------------------------------------------------------------------------

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

# One <maml:para> per block; code and tables keep their lines (indented), list items get their marker.
function Write-Paras([System.Xml.XmlWriter] $W, [object[]] $Blocks) {
    $wrote = $false
    foreach ($b in $Blocks) {
        $text = switch ($b.Kind) {
            'Para' { ConvertFrom-InlineMarkdown $b.Text }
            'Item' { $m = if ($b.Marker -match '^\d') { $b.Marker } else { '-' }; "$m " + (ConvertFrom-InlineMarkdown $b.Text) }
            'Code' { ($b.Lines | ForEach-Object { '    ' + $_ }) -join "`n" }
            'Pre' { ($b.Lines | ForEach-Object { '    ' + (ConvertFrom-InlineMarkdown $_) }) -join "`n" }
        }
        $W.WriteElementString('maml', 'para', $MamlNs, $text)
        $wrote = $true
    }
    if (-not $wrote) { $W.WriteElementString('maml', 'para', $MamlNs, '') }
}

function Write-Description([System.Xml.XmlWriter] $W, [object[]] $Blocks) {
    $W.WriteStartElement('maml', 'description', $MamlNs)
    Write-Paras $W $Blocks
    $W.WriteEndElement()
}

# <command:inputTypes> or <command:returnValues>: one entry per type, with its description.
function Write-TypeList([System.Xml.XmlWriter] $W, [string] $ListElement, [string] $ItemElement, [object[]] $Types) {
    $W.WriteStartElement('command', $ListElement, $CommandNs)
    foreach ($t in $Types) {
        $W.WriteStartElement('command', $ItemElement, $CommandNs)
        $W.WriteStartElement('dev', 'type', $DevNs)
        $W.WriteElementString('maml', 'name', $MamlNs, $t.Name)
        $W.WriteEndElement()
        Write-Description $W $t.Blocks
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

# A type name as help shows it: PeerNode, String[], Int32, SwitchParameter.
function Get-TypeDisplayName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType) {
        $typeArgs = ($Type.GetGenericArguments() | ForEach-Object { Get-TypeDisplayName $_ }) -join ', '
        return ($Type.Name -replace '`\d+$', '') + "[$typeArgs]"
    }
    return $Type.Name
}

function Get-PipelineInputText($Attributes) {
    $byValue = [bool]($Attributes | Where-Object ValueFromPipeline)
    $byName = [bool]($Attributes | Where-Object ValueFromPipelineByPropertyName)
    if ($byValue -and $byName) { return 'True (ByValue, ByPropertyName)' }
    if ($byValue) { return 'True (ByValue)' }
    if ($byName) { return 'True (ByPropertyName)' }
    return 'False'
}

# The values a parameter accepts, when they are a closed list (enum, ValidateSet).
function Get-PossibleValues([System.Management.Automation.ParameterMetadata] $Parameter) {
    $set = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return [string[]]$set.ValidValues }
    $t = $Parameter.ParameterType
    if ($t.IsArray) { $t = $t.GetElementType() }
    if ($t.IsEnum) { return [string[]][Enum]::GetNames($t) }
    return @()
}

# Facts about one parameter, from reflection: per parameter set and merged for the PARAMETERS section.
function Get-ParameterFacts([System.Management.Automation.CommandInfo] $Command, [System.Management.Automation.ParameterMetadata] $Parameter, [string] $SetName) {
    $attrs = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    if ($SetName) {
        $attrs = @($attrs | Where-Object { $_.ParameterSetName -eq $SetName -or $_.ParameterSetName -eq [System.Management.Automation.ParameterAttribute]::AllParameterSets })
    }
    $mandatory = $attrs.Count -gt 0 -and @($attrs | Where-Object { -not $_.Mandatory }).Count -eq 0
    $positions = @($attrs | ForEach-Object { $_.Position } | Sort-Object -Unique)
    $position = if ($positions.Count -eq 1 -and $positions[0] -ge 0) { [string]$positions[0] } else { 'named' }
    $isSwitch = $Parameter.SwitchParameter
    [pscustomobject]@{
        Name           = $Parameter.Name
        Required       = $mandatory
        Position       = $position
        PipelineInput  = Get-PipelineInputText $attrs
        Globbing       = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        Aliases        = $(if ($Parameter.Aliases.Count -gt 0) { $Parameter.Aliases -join ', ' } else { 'None' })
        TypeName       = Get-TypeDisplayName $Parameter.ParameterType
        FullTypeName   = $Parameter.ParameterType.FullName
        IsSwitch       = $isSwitch
        VariableLength = $Parameter.ParameterType.IsArray
        PossibleValues = @(Get-PossibleValues $Parameter)
    }
}

function Write-ParameterElement([System.Xml.XmlWriter] $W, $Facts, [object[]] $Blocks, [string] $DefaultValue, [switch] $InSyntax) {
    $W.WriteStartElement('command', 'parameter', $CommandNs)
    $W.WriteAttributeString('required', $Facts.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $Facts.VariableLength.ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $Facts.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Facts.PipelineInput)
    $W.WriteAttributeString('position', $Facts.Position)
    $W.WriteAttributeString('aliases', $Facts.Aliases)
    $W.WriteElementString('maml', 'name', $MamlNs, $Facts.Name)
    Write-Description $W $Blocks
    if ($InSyntax -and $Facts.PossibleValues.Count -gt 0) {
        $W.WriteStartElement('command', 'parameterValueGroup', $CommandNs)
        foreach ($v in $Facts.PossibleValues) {
            $W.WriteStartElement('command', 'parameterValue', $CommandNs)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $CommandNs, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    elseif (-not $Facts.IsSwitch) {
        $W.WriteStartElement('command', 'parameterValue', $CommandNs)
        $W.WriteAttributeString('required', 'true')
        $W.WriteAttributeString('variableLength', $Facts.VariableLength.ToString().ToLowerInvariant())
        $W.WriteString($Facts.TypeName)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $DevNs)
    $W.WriteElementString('maml', 'name', $MamlNs, $Facts.TypeName)
    $W.WriteElementString('maml', 'uri', $MamlNs, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $DevNs, $DefaultValue)
    if (-not $InSyntax -and $Facts.PossibleValues.Count -gt 0) {
        $W.WriteStartElement('dev', 'possibleValues', $DevNs)
        foreach ($v in $Facts.PossibleValues) {
            $W.WriteStartElement('dev', 'possibleValue', $DevNs)
            $W.WriteElementString('dev', 'value', $DevNs, $v)
            $W.WriteStartElement('maml', 'description', $MamlNs)
            $W.WriteElementString('maml', 'para', $MamlNs, '')
            $W.WriteEndElement()
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

# Default values: "Default value: x" in a ```yaml block of the parameter's section, else the value a new
# instance of the cmdlet holds (what an unbound parameter is), else None.
function Get-DefaultValue($Command, [string] $Name, [object[]] $Blocks, $Instance) {
    foreach ($b in @($Blocks | Where-Object { $_ -and $_.Kind -eq 'Code' -and $_.Lang -eq 'yaml' })) {
        foreach ($l in $b.Lines) { if ($l -match '^\s*Default value:\s*(.*)$') { return $Matches[1].Trim() } }
    }
    if ($null -ne $Instance) {
        $prop = $Instance.GetType().GetProperty($Name)
        if ($null -ne $prop) {
            try {
                $value = $prop.GetValue($Instance)
                if ($value -is [System.Management.Automation.SwitchParameter]) { return $value.IsPresent.ToString() }
                if ($null -ne $value -and -not ($value -is [array] -and $value.Length -eq 0)) { return (@($value) -join ', ') }
            }
            catch { $null = $_ }
        }
    }
    $meta = $Command.Parameters[$Name]
    if ($null -ne $meta -and $meta.SwitchParameter) { return 'False' }
    return 'None'
}

function Split-Example([string] $Title, [string[]] $Lines, [string] $File) {
    $blocks = @(ConvertTo-Blocks $Lines)
    $code = $blocks | Where-Object Kind -eq 'Code' | Select-Object -First 1
    if ($null -eq $code -or ($code.Lines -join '').Trim().Length -eq 0) {
        Add-HelpError "${File}: '### $Title' has no code block."
        return $null
    }
    # The code blocks before the first text (the command, then its output) form the example's code; the rest
    # (explanation, later code blocks) its remarks.
    $codeBlocks = [System.Collections.Generic.List[object]]::new()
    $k = 0
    while ($k -lt $blocks.Count -and $blocks[$k].Kind -eq 'Code') { $codeBlocks.Add($blocks[$k]); $k++ }
    if ($codeBlocks.Count -eq 0) { $codeBlocks.Add($code) }
    $remarks = @($blocks | Where-Object { -not $codeBlocks.Contains($_) })
    $text = ($codeBlocks | ForEach-Object { ($_.Lines -join "`n").TrimEnd() }) -join "`n`n"
    if ($remarks.Count -eq 0) { Add-HelpWarning "${File}: '### $Title' has code but no explanation." }
    [pscustomobject]@{ Title = $Title; Code = $text; Remarks = $remarks }
}

# Types of a section like INPUTS/OUTPUTS: ### TypeName + description, or plain text.
function Get-TypeEntries($Doc, [string] $Section) {
    if (-not $Doc.Sections.Contains($Section)) { return @() }
    $s = $Doc.Sections[$Section]
    $entries = foreach ($sub in $s.Subs) { [pscustomobject]@{ Name = (ConvertFrom-InlineMarkdown $sub.Title); Blocks = @(ConvertTo-Blocks $sub.Lines) } }
    if (@($entries).Count -eq 0) {
        $blocks = @(ConvertTo-Blocks $s.Lines)
        if ($blocks.Count -gt 0) { $entries = [pscustomobject]@{ Name = 'None'; Blocks = $blocks } }
    }
    return @($entries)
}

function Write-CommandHelp([System.Xml.XmlWriter] $W, [System.Management.Automation.CmdletInfo] $Command, $Doc, [string] $File) {
    $name = $Command.Name
    $synopsis = Get-SectionText $Doc 'SYNOPSIS'
    if (-not $synopsis) { Add-HelpError "${File}: '## SYNOPSIS' is missing or empty." }
    if (-not $Doc.Sections.Contains('DESCRIPTION') -or @(ConvertTo-Blocks $Doc.Sections['DESCRIPTION'].Lines).Count -eq 0) {
        Add-HelpError "${File}: '## DESCRIPTION' is missing or empty."
    }
    if ($Doc.Title -ne $name) { Add-HelpError "${File}: the title '# $($Doc.Title)' does not name the cmdlet $name." }

    # Parameter descriptions from ### -Name.
    $paramDocs = @{}
    if ($Doc.Sections.Contains('PARAMETERS')) {
        foreach ($sub in $Doc.Sections['PARAMETERS'].Subs) {
            $pname = $sub.Title.TrimStart('-').Trim()
            $paramDocs[$pname] = @(ConvertTo-Blocks $sub.Lines)
        }
    }
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $parameters = @($Command.Parameters.Values | Where-Object { $_.Name -notin $common })
    foreach ($p in $parameters) {
        $text = @($paramDocs[$p.Name] | Where-Object { $_ -and -not ($_.Kind -eq 'Code' -and $_.Lang -eq 'yaml') })
        if ($text.Count -eq 0 -and $p.Name -notin 'WhatIf', 'Confirm') {
            Add-HelpWarning "${File}: the parameter -$($p.Name) of $name has no description ('### -$($p.Name)' under '## PARAMETERS')."
        }
    }
    foreach ($documented in $paramDocs.Keys) {
        if (-not ($parameters | Where-Object Name -eq $documented)) {
            Add-HelpWarning "${File}: '### -$documented' documents a parameter that $name does not have."
        }
    }

    # Examples.
    $examples = @()
    if ($Doc.Sections.Contains('EXAMPLES')) {
        $examples = @($Doc.Sections['EXAMPLES'].Subs | ForEach-Object { Split-Example $_.Title $_.Lines $File } | Where-Object { $_ })
    }
    if ($examples.Count -eq 0) { Add-HelpError "${File}: '## EXAMPLES' has no '### Example' with a code block." }

    $instance = $null
    try { $instance = [Activator]::CreateInstance($Command.ImplementingType) } catch { $null = $_ }

    $descriptionOf = {
        param($pname)
        $blocks = @($paramDocs[$pname] | Where-Object { $_ -and -not ($_.Kind -eq 'Code' -and $_.Lang -eq 'yaml') })
        if ($blocks.Count -eq 0) {
            # -WhatIf and -Confirm mean the same everywhere.
            if ($pname -eq 'WhatIf') { $blocks = @([pscustomobject]@{ Kind = 'Para'; Text = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.' }) }
            elseif ($pname -eq 'Confirm') { $blocks = @([pscustomobject]@{ Kind = 'Para'; Text = 'Prompts you for confirmation before running the cmdlet.' }) }
        }
        , $blocks
    }

    $W.WriteStartElement('command', 'command', $CommandNs)
    $W.WriteAttributeString('xmlns', 'maml', $null, $MamlNs)
    $W.WriteAttributeString('xmlns', 'command', $null, $CommandNs)
    $W.WriteAttributeString('xmlns', 'dev', $null, $DevNs)

    $W.WriteStartElement('command', 'details', $CommandNs)
    $W.WriteElementString('command', 'name', $CommandNs, $name)
    $W.WriteElementString('command', 'verb', $CommandNs, $Command.Verb)
    $W.WriteElementString('command', 'noun', $CommandNs, $Command.Noun)
    $W.WriteStartElement('maml', 'description', $MamlNs)
    $W.WriteElementString('maml', 'para', $MamlNs, $synopsis)
    $W.WriteEndElement()
    $W.WriteEndElement()

    $desc = if ($Doc.Sections.Contains('DESCRIPTION')) { @(ConvertTo-Blocks $Doc.Sections['DESCRIPTION'].Lines) } else { @() }
    Write-Description $W $desc

    # Syntax: one item per parameter set, the default set first, parameters in the order Get-Command gives.
    $W.WriteStartElement('command', 'syntax', $CommandNs)
    $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $W.WriteStartElement('command', 'syntaxItem', $CommandNs)
        $W.WriteElementString('maml', 'name', $MamlNs, $name)
        $setParams = @($set.Parameters | Where-Object { $_.Name -notin $common } |
            Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.IsMandatory } })
        foreach ($sp in $setParams) {
            $meta = $Command.Parameters[$sp.Name]
            $facts = Get-ParameterFacts $Command $meta $set.Name
            $facts.Required = $sp.IsMandatory
            $facts.Position = if ($sp.Position -ge 0) { [string]$sp.Position } else { 'named' }
            $blocks = & $descriptionOf $sp.Name
            Write-ParameterElement $W $facts $blocks (Get-DefaultValue $Command $sp.Name $paramDocs[$sp.Name] $instance) -InSyntax
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # Parameters, in the order of the Markdown, then any undocumented ones.
    $W.WriteStartElement('command', 'parameters', $CommandNs)
    $docOrder = if ($Doc.Sections.Contains('PARAMETERS')) { @($Doc.Sections['PARAMETERS'].Subs | ForEach-Object { $_.Title.TrimStart('-').Trim() }) } else { @() }
    $ordered = @($docOrder | Where-Object { $parameters.Name -contains $_ }) + @($parameters.Name | Where-Object { $docOrder -notcontains $_ })
    foreach ($pname in $ordered) {
        $meta = $Command.Parameters[$pname]
        $facts = Get-ParameterFacts $Command $meta $null
        Write-ParameterElement $W $facts (& $descriptionOf $pname) (Get-DefaultValue $Command $pname $paramDocs[$pname] $instance)
    }
    $W.WriteEndElement()

    # Inputs and outputs: from the Markdown; the reflected types when it has none.
    $inputs = Get-TypeEntries $Doc 'INPUTS'
    if ($inputs.Count -eq 0) {
        $inputs = @($parameters | ForEach-Object {
                $p = $_
                if ($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) }) { $p.ParameterType.FullName }
            } | Sort-Object -Unique | ForEach-Object { [pscustomobject]@{ Name = $_; Blocks = @() } })
    }
    Write-TypeList $W 'inputTypes' 'inputType' $inputs

    $outputs = Get-TypeEntries $Doc 'OUTPUTS'
    $declared = @($Command.OutputType | ForEach-Object { $_.Name })
    if ($outputs.Count -eq 0) { $outputs = @($declared | ForEach-Object { [pscustomobject]@{ Name = $_; Blocks = @() } }) }
    foreach ($d in $declared) {
        if ($d -ne 'System.Void' -and -not ($outputs | Where-Object Name -eq $d)) {
            Add-HelpWarning "${File}: $name declares [OutputType($d)] but '## OUTPUTS' does not list it."
        }
    }
    Write-TypeList $W 'returnValues' 'returnValue' $outputs

    if ($Doc.Sections.Contains('NOTES')) {
        $notes = @(ConvertTo-Blocks $Doc.Sections['NOTES'].Lines)
        if ($notes.Count -gt 0) {
            $W.WriteStartElement('maml', 'alertSet', $MamlNs)
            $W.WriteStartElement('maml', 'alert', $MamlNs)
            Write-Paras $W $notes
            $W.WriteEndElement()
            $W.WriteEndElement()
        }
    }

    $W.WriteStartElement('command', 'examples', $CommandNs)
    foreach ($ex in $examples) {
        $W.WriteStartElement('command', 'example', $CommandNs)
        $W.WriteElementString('maml', 'title', $MamlNs, "--------- $($ex.Title) ---------")
        $W.WriteElementString('dev', 'code', $DevNs, $ex.Code)
        $W.WriteStartElement('dev', 'remarks', $DevNs)
        Write-Paras $W $ex.Remarks
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $CommandNs)
    if ($Doc.Sections.Contains('RELATED LINKS')) {
        foreach ($line in $Doc.Sections['RELATED LINKS'].Lines) {
            $t = $line.Trim() -replace '^[-*+]\s+', ''
            if (-not $t) { continue }
            $text = $t; $uri = ''
            if ($t -match '^\[([^\]]+)\]\(([^)]*)\)') {
                $text = $Matches[1]
                if ($Matches[2] -match '^https?://') { $uri = $Matches[2] }
            }
            $W.WriteStartElement('maml', 'navigationLink', $MamlNs)
            $W.WriteElementString('maml', 'linkText', $MamlNs, (ConvertFrom-InlineMarkdown $text))
            $W.WriteElementString('maml', 'uri', $MamlNs, $uri)
            $W.WriteEndElement()
        }
    }
    $W.WriteEndElement()

    $W.WriteEndElement()  # command:command
}

#endregion

#region About topics -----------------------------------------------------------------------------------------

# Wraps words to lines of at most $Width characters (a longer word gets its own line).
function Format-Wrapped([string] $Text, [string] $Indent, [string] $HangingIndent, [int] $Width = 80) {
    $out = [System.Collections.Generic.List[string]]::new()
    $line = $Indent
    $lineHasWord = $false
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($lineHasWord -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $out.Add($line)
            $line = $HangingIndent + $word
        }
        elseif ($lineHasWord) { $line += ' ' + $word }
        else { $line += $word }
        $lineHasWord = $true
    }
    if ($lineHasWord) { $out.Add($line) }
    return , $out.ToArray()
}

function ConvertTo-AboutText($Doc, [string] $File) {
    $sb = [System.Text.StringBuilder]::new()
    $nl = "`n"
    [void]$sb.Append('TOPIC').Append($nl).Append('    ' + $Doc.Title).Append($nl)
    if (-not $Doc.Sections.Contains('SHORT DESCRIPTION')) { Add-HelpError "${File}: '## SHORT DESCRIPTION' is missing." }
    if (-not $Doc.Sections.Contains('LONG DESCRIPTION')) { Add-HelpError "${File}: '## LONG DESCRIPTION' is missing." }

    # A heading's first block follows it directly; later blocks are separated by a blank line.
    $writeBlocks = {
        param($lines)
        $first = $true
        foreach ($b in (ConvertTo-Blocks $lines)) {
            if (-not $first) { [void]$sb.Append($nl) }
            $first = $false
            switch ($b.Kind) {
                'Para' { foreach ($l in (Format-Wrapped (ConvertFrom-InlineMarkdown $b.Text) '    ' '    ')) { [void]$sb.Append($l).Append($nl) } }
                'Item' {
                    $m = if ($b.Marker -match '^\d') { $b.Marker } else { '-' }
                    $hang = '    ' + (' ' * ($m.Length + 1))
                    foreach ($l in (Format-Wrapped ("$m " + (ConvertFrom-InlineMarkdown $b.Text)) '    ' $hang)) { [void]$sb.Append($l).Append($nl) }
                }
                'Code' { foreach ($l in $b.Lines) { [void]$sb.Append(('        ' + $l).TrimEnd()).Append($nl) } }
                'Pre' { foreach ($l in $b.Lines) { [void]$sb.Append('    ' + (ConvertFrom-InlineMarkdown $l)).Append($nl) } }
            }
        }
    }

    foreach ($section in $Doc.Sections.Values) {
        [void]$sb.Append($nl).Append($section.Heading.ToUpperInvariant()).Append($nl)
        & $writeBlocks $section.Lines
        foreach ($sub in $section.Subs) {
            [void]$sb.Append($nl).Append('  ' + (ConvertFrom-InlineMarkdown $sub.Title).ToUpperInvariant()).Append($nl)
            & $writeBlocks $sub.Lines
        }
    }
    # Items of a list in the Markdown are separated by blank lines above; keep lists tight.
    $text = $sb.ToString()
    $text = [regex]::Replace($text, '(\n    (?:[-*+]|\d+[.)]) [^\n]*(?:\n     +[^\n]*)*)\n(?=\n    (?:[-*+]|\d+[.)]) )', '$1')
    return $text
}

#endregion

# --- Main ------------------------------------------------------------------------------------------------------

if (-not (Test-Path -LiteralPath $SourcePath -PathType Container)) {
    Add-HelpError "The source folder '$SourcePath' does not exist."
    Exit-WithErrors
}
$source = (Resolve-Path -LiteralPath $SourcePath).ProviderPath

$moduleItem = Get-Item -LiteralPath $ModulePath -ErrorAction SilentlyContinue
if ($null -eq $moduleItem) {
    Add-HelpError "The module path '$ModulePath' does not exist. Build the module first (build.ps1 -Task Build)."
    Exit-WithErrors
}
$manifest = $moduleItem.FullName
if ($moduleItem.PSIsContainer) {
    # <folder>/<folder>.psd1, else the only manifest in the folder.
    $manifest = Join-Path $moduleItem.FullName ($moduleItem.Name + '.psd1')
    $candidates = @(Get-ChildItem -LiteralPath $moduleItem.FullName -Filter '*.psd1' -File)
    if (-not (Test-Path -LiteralPath $manifest) -and $candidates.Count -eq 1) { $manifest = $candidates[0].FullName }
}
if (-not (Test-Path -LiteralPath $manifest)) {
    Add-HelpError "No module manifest at '$manifest'."
    Exit-WithErrors
}

try {
    $module = Import-Module -Name $manifest -Force -PassThru -ErrorAction Stop | Select-Object -First 1
}
catch {
    Add-HelpError "Could not import the module '$manifest': $($_.Exception.Message)"
    Exit-WithErrors
}

$declaredCmdlets = @((Import-PowerShellDataFile -LiteralPath $manifest).CmdletsToExport)
$commands = @($module.ExportedCmdlets.Values | Sort-Object Name)
foreach ($c in $declaredCmdlets) {
    if (-not $module.ExportedCmdlets.ContainsKey($c)) { Add-HelpError "The manifest exports '$c', but the module has no such cmdlet." }
}
if ($commands.Count -eq 0) { Add-HelpError "The module '$manifest' exports no cmdlets." }

# Every exported cmdlet needs its Markdown file.
$missing = @($commands | Where-Object { -not (Test-Path -LiteralPath (Join-Path $source "$($_.Name).md")) })
foreach ($c in $missing) {
    Add-HelpError "No help for the exported cmdlet $($c.Name): $(Join-Path $source "$($c.Name).md") is missing. Write it (see the other files in $source for the layout)."
}
$known = @($commands.Name) + @('about_*')
foreach ($f in Get-ChildItem -LiteralPath $source -Filter '*.md' -File) {
    $base = [System.IO.Path]::GetFileNameWithoutExtension($f.Name)
    if ($base -notlike 'about_*' -and $commands.Name -notcontains $base) {
        Add-HelpWarning "$($f.FullName) documents '$base', which the module does not export; it is ignored."
    }
}
if ($script:Errors.Count -gt 0) { Exit-WithErrors }

# MAML, one file per implementing assembly (all of ours are in PSPeerChat.dll).
$byHelpFile = $commands | Group-Object { if ($_.HelpFile) { Split-Path -Leaf $_.HelpFile } else { [System.IO.Path]::GetFileName($_.ImplementingType.Assembly.Location) + '-Help.xml' } }
$outputs = @{}
foreach ($group in $byHelpFile) {
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.NewLineChars = "`n"
    $buffer = [System.IO.MemoryStream]::new()
    $w = [System.Xml.XmlWriter]::Create($buffer, $settings)
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($c in $group.Group) {
        $file = Join-Path $source "$($c.Name).md"
        $doc = Read-MarkdownFile $file
        Write-CommandHelp $w $c $doc $file
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Flush()
    $w.Dispose()
    $outputs[$group.Name] = $buffer.ToArray()
}

$abouts = @{}
foreach ($f in Get-ChildItem -LiteralPath $source -Filter 'about_*.md' -File) {
    $doc = Read-MarkdownFile $f.FullName
    $name = [System.IO.Path]::GetFileNameWithoutExtension($f.Name)
    if ($doc.Title -ne $name) { Add-HelpError "$($f.FullName): the title '# $($doc.Title)' is not '# $name'." }
    $abouts["$name.help.txt"] = ConvertTo-AboutText $doc $f.FullName
}

if ($script:Errors.Count -gt 0) { Exit-WithErrors }

# Check what we wrote parses, before anything lands on disk.
foreach ($name in $outputs.Keys) {
    try {
        $xml = [System.Xml.XmlDocument]::new()
        $xml.Load([System.IO.MemoryStream]::new($outputs[$name]))
    }
    catch {
        Add-HelpError "The generated $name is not valid XML: $($_.Exception.Message)"
    }
}
if ($script:Errors.Count -gt 0) { Exit-WithErrors }

New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
$out = (Resolve-Path -LiteralPath $OutputPath).ProviderPath
foreach ($name in $outputs.Keys) {
    [System.IO.File]::WriteAllBytes((Join-Path $out $name), $outputs[$name])
}
foreach ($name in $abouts.Keys) {
    [System.IO.File]::WriteAllText((Join-Path $out $name), $abouts[$name], [System.Text.UTF8Encoding]::new($false))
}
foreach ($wmsg in $script:Warnings) { Write-Host "Build-Help: warning: $wmsg" }
Write-Host ("Help: {0} cmdlet(s) in {1}; {2} about topic(s) -> {3}" -f $commands.Count, ($outputs.Keys -join ', '), $abouts.Count, $out)
exit 0
