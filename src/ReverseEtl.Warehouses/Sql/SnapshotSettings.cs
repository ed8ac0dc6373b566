using System.Text.Json;
using System.Text.RegularExpressions;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Sql;

/// <summary>
/// A warehouse connection's opt-in <c>snapshot: { schema: NAME }</c>: the one schema the worker may write its
/// snapshot table to (see <see cref="IWarehouseWriter"/>). Without it, the connection is only read.
/// </summary>
internal static partial class SnapshotSettings
{
    /// <summary>The schema named under <c>snapshot:</c>, or null when the connection has no snapshot.</summary>
    public static string? Schema(ConnectionSettings connection) =>
        connection.Options.TryGetProperty("snapshot", out var snapshot) && snapshot.ValueKind == JsonValueKind.Object
        && snapshot.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String
            ? schema.GetString()!.Trim()
            : null;

    /// <summary>The problem with the schema's name, if any; the message names the connection and the field.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) =>
        Schema(connection) is { } schema && !PlainName().IsMatch(schema)
            ? [new ConfigProblem("snapshot.schema", $"connection '{connection.Name}': '{schema}' is not a plain SQL name; use letters, digits and '_', optionally database.schema (e.g. retl_state), naming a schema this connection's user may create tables in")]
            : [];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}(\\.[A-Za-z_][A-Za-z0-9_]{0,127})?$")]
    private static partial Regex PlainName();
}
