using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Definitions;

/// <summary>Checks the definitions against each other and against their connectors, and builds the project.</summary>
internal sealed partial class DefinitionValidator(ConnectorCatalog catalog, RuntimePaths paths, List<DefinitionError> errors)
{
    private readonly HashSet<string> _usedWarehouses = new(StringComparer.Ordinal);

    public ProjectDefinition Build(DefinitionSections sections)
    {
        var connections = sections.Connections.Select(c => BuildConnection(c.Key, c.Value.Body, c.Value.Source))
            .OfType<ConnectionDefinition>().ToDictionary(c => c.Name, StringComparer.Ordinal);
        var models = sections.Models.Select(m => BuildModel(m.Key, m.Value.Body, m.Value.Source, connections))
            .OfType<ModelDefinition>().ToDictionary(m => m.Name, StringComparer.Ordinal);
        var syncs = sections.Syncs.Select(s => new SyncValidator(this, connections, models).Build(s.Key, s.Value.Body, s.Value.Source))
            .OfType<SyncDefinition>().ToDictionary(s => s.Name, StringComparer.Ordinal);
        var alerts = new AlertValidator(this, connections, sections.Syncs.Keys).Build(sections);
        return new ProjectDefinition(paths, connections, models, syncs) { Alerts = alerts };
    }

    internal ConnectorCatalog Catalog => catalog;

    internal void Add(DefinitionSource source, string path, string message) => errors.Add(source.Error(path, message));

    internal void AddProblems(DefinitionSource source, string section, IEnumerable<ConfigProblem> problems)
    {
        foreach (var problem in problems)
        {
            Add(source, problem.Path.Length == 0 ? section : ConfigPath.Child(section, problem.Path), problem.Message);
        }
    }

    // Names become file names (a sync's lock, a connection's dry-run outbox) and log fields: one safe set for all.
    internal void CheckName(string name, DefinitionSource source)
    {
        if (!Name().IsMatch(name))
        {
            errors.Add(new DefinitionError(source.Map.KeyAt(source.Path), source.Path, $"the name '{name}' may hold only lower-case letters, digits, '-' and '_', must start with a letter or digit, and may be at most {MaxNameLength} characters long"));
        }
    }

    /// <summary>The longest name a connection, model or sync may have.</summary>
    public const int MaxNameLength = 64;

    private ConnectionDefinition? BuildConnection(string name, JsonObject body, DefinitionSource source)
    {
        CheckName(name, source);
        var (type, options) = body.First();
        var section = ConfigPath.Child(source.Path, type);
        var settings = new ConnectionSettings(name, type, JsonSerializer.SerializeToElement(options), paths)
        {
            Variables = (options as JsonObject ?? []).Select(o => (o.Key, Variable: EnvironmentSubstitution.FirstVariable(source.Map.RawAt(ConfigPath.Child(section, o.Key)))))
                .Where(o => o.Variable is not null).ToDictionary(o => o.Key, o => o.Variable!, StringComparer.Ordinal),
        };
        if (catalog.Warehouse(type) is { } warehouse)
        {
            return new ConnectionDefinition(settings, IsWarehouse: true, source) { DeferredProblems = warehouse.Validate(settings) };
        }

        if (catalog.Destination(type) is { } destination)
        {
            AddProblems(source, type, destination.ValidateConnection(settings));
            return new ConnectionDefinition(settings, IsWarehouse: false, source);
        }

        Add(source, type, $"no connector for type '{type}' is installed in this build");
        return null;
    }

    private ModelDefinition? BuildModel(string name, ModelDto body, DefinitionSource source, IReadOnlyDictionary<string, ConnectionDefinition> connections)
    {
        CheckName(name, source);
        if (!connections.TryGetValue(body.Connection, out var connection))
        {
            Add(source, "connection", $"no connection named '{body.Connection}'; defined: {Names(connections.Keys)}");
        }
        else if (!connection.IsWarehouse)
        {
            Add(source, "connection", $"'{body.Connection}' is a {connection.Settings.Type} connection, not a warehouse");
        }
        else if (_usedWarehouses.Add(connection.Name))
        {
            AddProblems(connection.Source, connection.Settings.Type, connection.DeferredProblems);
        }

        var dialect = connection is { IsWarehouse: true } ? connection.Settings.Type : null;

        var keys = body.PrimaryKeyColumns;
        foreach (var bad in keys.Where(k => !Identifier().IsMatch(k)))
        {
            Add(source, "primary_key", $"'{bad}' is not a plain column name (letters, digits, '_')");
        }

        var sql = ReadSql(body, source, dialect);
        return sql is null ? null : new ModelDefinition(name, body.Connection, keys, sql, source);
    }

    // The query: a dialect's own file when the connection's type has one, else 'file' or the inline 'sql'. Every file
    // named is checked, so a broken path shows up before the day the connection changes.
    private string? ReadSql(ModelDto body, DefinitionSource source, string? dialect)
    {
        if ((body.Sql is null) == (body.File is null))
        {
            Add(source, string.Empty, "give the query either inline as 'sql' or as a 'file', not both and not neither");
            return null;
        }

        string? chosen = null;
        foreach (var (type, path) in body.DialectFiles ?? [])
        {
            var at = ConfigPath.Child("dialect_files", type);
            if (catalog.Warehouse(type) is null)
            {
                Add(source, at, $"'{type}' is not a warehouse type; use one of: {Names(catalog.WarehouseTypes)}");
            }

            var text = ReadFile(source, at, path);
            chosen = type == dialect ? text : chosen;
        }

        var fallback = body.Sql ?? ReadFile(source, "file", body.File!);
        return chosen ?? fallback;
    }

    private string? ReadFile(DefinitionSource source, string at, string path)
    {
        var file = Path.GetFullPath(Path.Combine(paths.ConfigDirectory, path));
        if (!File.Exists(file))
        {
            Add(source, at, $"the file '{path}' does not exist (looked for {file})");
            return null;
        }

        return File.ReadAllText(file);
    }

    internal void CheckSchedule(ScheduleDto schedule, DefinitionSource source)
    {
        if (CronText.ToQuartz(schedule.Cron, out var problem) is null)
        {
            Add(source, "schedule.cron", problem!);
        }

        if (schedule.Timezone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            Add(source, "schedule.timezone", $"'{zone}' is not a known time zone; use an IANA name such as Europe/London");
        }
    }

    internal static string Names(IEnumerable<string> names) =>
        names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "(none)";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex Name();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_$]*$")]
    private static partial Regex Identifier();
}
