using System.Text.Json;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Definitions;

/// <summary>Every definition under the config folder, validated.</summary>
public sealed record ProjectDefinition(
    RuntimePaths Paths,
    IReadOnlyDictionary<string, ConnectionDefinition> Connections,
    IReadOnlyDictionary<string, ModelDefinition> Models,
    IReadOnlyDictionary<string, SyncDefinition> Syncs)
{
    /// <summary>The alerts to operators under <c>alerts:</c>, by name.</summary>
    public IReadOnlyDictionary<string, AlertDefinition> Alerts { get; init; } = new Dictionary<string, AlertDefinition>();
}

/// <summary>Where a definition stands, for messages raised after loading (e.g. a column the model lacks).</summary>
public sealed record DefinitionSource(SourceMap Map, string Path)
{
    public DefinitionError Error(string relativePath, string message)
    {
        var path = relativePath.Length == 0 ? Path : ConfigPath.Child(Path, relativePath);
        return new DefinitionError(Map.ValueAt(path), path, message);
    }
}

/// <summary>A warehouse or destination connection.</summary>
public sealed record ConnectionDefinition(ConnectionSettings Settings, bool IsWarehouse, DefinitionSource Source)
{
    public string Name => Settings.Name;

    /// <summary>A warehouse connection's problems, reported only when a model uses it (so an unused one may lack its credentials).</summary>
    internal IReadOnlyList<ConfigProblem> DeferredProblems { get; init; } = [];
}

/// <summary>A model: a query and the columns that identify its rows.</summary>
public sealed record ModelDefinition(string Name, string Connection, IReadOnlyList<string> PrimaryKey, string Sql, DefinitionSource Source);

/// <summary>A sync: which model goes to which destination, how, and when.</summary>
public sealed record SyncDefinition(
    string Name,
    string Model,
    string Destination,
    SyncMode Mode,
    TriggerDefinition Trigger,
    IReadOnlyList<FieldMapping>? Fields,
    ScheduleDefinition? Schedule,
    int? BatchSize,
    bool Enabled,
    JsonElement DestinationOptions,
    DefinitionSource Source)
{
    /// <summary>The most sends of each kind one run may make; past one, nothing of that kind is sent and the plan is held.</summary>
    public SendLimits Limits { get; init; } = SendLimits.Default;

    /// <summary>The warehouse hashes each row and only new or changed rows are fetched (<c>diff: warehouse</c>), instead of every row.</summary>
    public bool DiffInWarehouse { get; init; }

    /// <summary>The sync's own <c>alerts:</c> settings (off, or its own <c>rejected_share</c>).</summary>
    public SyncAlertSettings Alerts { get; init; } = SyncAlertSettings.Default;

    /// <summary>The mapped fields the per-record log and <c>explain</c> show as <c>"[redacted]"</c> (<c>log.redact</c>; names match case-insensitively).</summary>
    public IReadOnlySet<string> Redact { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public SyncSettings Settings => new(Name, Mode, DestinationOptions);
}

/// <summary>When a trigger sync sends: the SQL condition (null: every row matches) and the transitions that send.</summary>
public sealed record TriggerDefinition(string? When, IReadOnlySet<RecordAction> On)
{
    public static readonly TriggerDefinition Always = new(null, new HashSet<RecordAction> { RecordAction.Enter, RecordAction.Change }) { SendInitial = true };

    /// <summary>
    /// <c>initial: send</c>: the first run sends for every row that matches already. By default (<c>skip</c>) it only
    /// records them, so deploying a sync does not message everyone at once; later runs send what enters or changes.
    /// </summary>
    public bool SendInitial { get; init; }
}

/// <summary>A payload field and the model column it is read from.</summary>
public sealed record FieldMapping(string Field, string Column);

/// <summary>A sync's schedule: a Quartz cron (a five-field crontab one already rewritten by <see cref="CronText"/>) in a time zone, and what to do about a missed fire (run once, or skip).</summary>
public sealed record ScheduleDefinition(string Cron, string TimeZone, bool SkipMisfires = false);
