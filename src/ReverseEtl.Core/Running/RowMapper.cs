using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>Maps a result row to the sync's payload, key and match flag. Column names match case-insensitively.</summary>
public sealed class RowMapper
{
    private readonly PayloadFields _fields;
    private readonly int[] _keys;
    private readonly string[] _keyNames;
    private readonly int _match;

    // The columns the worker adds to a model's query: never part of a payload.
    private static readonly string[] Own = [ModelQuery.MatchColumn, ModelQuery.RowHashColumn, ModelQuery.BucketColumn];

    private RowMapper(PayloadFields fields, int[] keys, string[] keyNames, int match)
    {
        (_fields, _keys, _keyNames, _match) = (fields, keys, keyNames, match);
    }

    /// <summary>The columns the sync reads (mapped fields and the primary key), with their warehouse types.</summary>
    public IReadOnlyDictionary<string, string> UsedColumns { get; private init; } = new Dictionary<string, string>();

    /// <summary>Resolves the columns; throws <see cref="SyncDefinitionException"/> naming every column the model lacks.</summary>
    public static RowMapper Create(SyncDefinition sync, ModelDefinition model, IReadOnlyList<WarehouseColumn> columns)
    {
        ThrowIfShadowed(sync, model, columns);
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columns.Count; i++)
        {
            index.TryAdd(columns[i].Name, i);
        }

        var wanted = sync.Fields ?? columns
            .Where(c => !Own.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .Select(c => new FieldMapping(c.Name.ToLowerInvariant(), c.Name)).ToList();
        var missing = wanted.Select(f => f.Column).Concat(model.PrimaryKey).Where(c => !index.ContainsKey(c)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var available = string.Join(", ", columns.Select(c => c.Name).Where(n => !Own.Contains(n, StringComparer.OrdinalIgnoreCase)));
            throw new SyncDefinitionException(
                $"sync '{sync.Name}': model '{model.Name}' returns no column {string.Join(", ", missing.Select(m => $"'{m}'"))}; it returns: {available}");
        }

        return new RowMapper(
            new PayloadFields(wanted.Select(f => (f.Field, index[f.Column]))),
            model.PrimaryKey.Select(k => index[k]).ToArray(),
            model.PrimaryKey.ToArray(),
            index[ModelQuery.MatchColumn])
        {
            UsedColumns = wanted.Select(f => f.Column).Concat(model.PrimaryKey)
                .Select(c => columns[index[c]]).DistinctBy(c => c.Name.ToLowerInvariant())
                .ToDictionary(c => c.Name.ToLowerInvariant(), c => c.DataType, StringComparer.Ordinal),
        };
    }

    // A model column named as a column the worker adds (the trigger's result, the warehouse's row hash) would be read in
    // its place, by name: what plan, preview and explain read too, which the live check does not guard. A warehouse
    // that renames the later of two equal names in a subquery (DuckDB: retl_matches___1) counts too.
    private static void ThrowIfShadowed(SyncDefinition sync, ModelDefinition model, IReadOnlyList<WarehouseColumn> columns)
    {
        foreach (var own in Own)
        {
            if (columns.Count(c => SameOrRenamed(c.Name, own)) > 1)
            {
                throw new SyncDefinitionException(
                    $"sync '{sync.Name}': model '{model.Name}' returns a column named '{own}': {ModelQuery.ReservedNames}; rename the column in the model");
            }
        }
    }

    // The name itself in any case, or as DuckDB renames a repeated one: the name, an underscore and a number.
    private static bool SameOrRenamed(string name, string own) =>
        name.StartsWith(own, StringComparison.OrdinalIgnoreCase) && (name.Length == own.Length
            || (name.Length > own.Length + 1 && name[own.Length] == '_' && !name.AsSpan(own.Length + 1).ContainsAnyExceptInRange('0', '9')));

    /// <summary>The value of the first key column in <paramref name="values"/>: a single-column key's own.</summary>
    public object? FirstKeyValue(object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values[_keys[0]];
    }

    /// <summary>The values of the key's columns in <paramref name="values"/>, in the key's order.</summary>
    public object?[] KeyValues(object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Array.ConvertAll(_keys, k => values[k]);
    }

    /// <summary>The row's key (or why it has none), match, payload (a view over <paramref name="values"/>, which it keeps) and hash.</summary>
    public MappedRow Map(long number, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var payload = new PayloadDictionary(_fields, values);
        var matches = values[_match] is true;
        string? key;
        var bad = 0;
        if (_keys.Length == 1)
        {
            key = RowKey.FormatOne(values[_keys[0]]);
        }
        else
        {
            var parts = new object?[_keys.Length];
            for (var k = 0; k < _keys.Length; k++)
            {
                parts[k] = values[_keys[k]];
            }

            key = RowKey.TryFormat(parts, out var text, out bad) ? text : null;
        }

        return key is not null
            ? new MappedRow(number, key, null, matches, PayloadJson.Hash(payload), payload)
            : new MappedRow(number, null, $"primary key column '{_keyNames[bad]}' is null or empty", matches, 0, payload);
    }
}
