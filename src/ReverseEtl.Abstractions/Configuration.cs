using System.Text.Json;

namespace ReverseEtl.Abstractions;

/// <summary>A connection from the YAML definitions, handed to the connector of its type.</summary>
/// <param name="Name">The connection's name under <c>connections:</c>.</param>
/// <param name="Type">The connector type, e.g. <c>duckdb</c> or <c>slack</c>.</param>
/// <param name="Options">The type's section, after <c>${VAR}</c> substitution; its structure is already schema-valid.</param>
/// <param name="Paths">Where configuration and data live.</param>
public sealed record ConnectionSettings(string Name, string Type, JsonElement Options, RuntimePaths Paths)
{
    /// <summary>
    /// The environment variable each option was read from, by option name (<c>token: ${SLACK_BOT_TOKEN}</c> gives
    /// <c>token</c> → <c>SLACK_BOT_TOKEN</c>), so that a message can say which variable to check; never the value.
    /// </summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();
}

/// <summary>The directories a run works in.</summary>
/// <param name="ConfigDirectory">The folder holding the YAML definitions.</param>
/// <param name="DataDirectory">The data folder (<c>RETL_DATA_DIR</c>): state, demo warehouse, outbox.</param>
public sealed record RuntimePaths(string ConfigDirectory, string DataDirectory)
{
    /// <summary>The folder where destinations without credentials write the requests they would send.</summary>
    public string OutboxDirectory => Path.Combine(DataDirectory, "outbox");
}

/// <summary>A sync as a destination sees it.</summary>
/// <param name="Name">The sync's name under <c>syncs:</c>.</param>
/// <param name="Mode">What the sync does with changed rows.</param>
/// <param name="Options">The sync's section named after the destination type (e.g. <c>slack:</c>), or an undefined element.</param>
public sealed record SyncSettings(string Name, SyncMode Mode, JsonElement Options);

/// <summary>A problem found in a definition, relative to the object validated.</summary>
/// <param name="Path">Dotted path below the object validated (e.g. <c>blocks[1].text.text</c>); empty for the object itself.</param>
/// <param name="Message">What is wrong, naming the bad value.</param>
public sealed record ConfigProblem(string Path, string Message);
