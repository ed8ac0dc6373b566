using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>Maps a result row to the sync's payload, key and match flag. Column names match case-insensitively.</summary>
public sealed class RowMapper
{
    private readonly (string Field, int Index)[] _fields;
    private readonly int[] _keys;
    private readonly string[] _keyNames;
    private readonly int _match;

    private RowMapper((string, int)[] fields, int[] keys, string[] keyNames, int match)
    {
        (_fields, _keys, _keyNames, _match) = (fields, keys, keyNames, match);
    }

    /// <summary>The columns the sync reads (mapped fields and the primary key), with their warehouse types.</summary>
    public IReadOnlyDictionary<string, string> UsedColumns { get; private init; } = new Dictionary<string, string>();

    /// <summary>Resolves the columns; throws <see cref="SyncDefinitionException"/> naming every column the model lacks.</summary>
    public static RowMapper Create(SyncDefinition sync, ModelDefinition model, IReadOnlyList<WarehouseColumn> columns)
    {
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columns.Count; i++)
        {
            index.TryAdd(columns[i].Name, i);
        }

        var wanted = sync.Fields ?? columns
            .Where(c => !c.Name.Equals(ModelQuery.MatchColumn, StringComparison.OrdinalIgnoreCase) && !c.Name.Equals(ModelQuery.RowHashColumn, StringComparison.OrdinalIgnoreCase))
            .Select(c => new FieldMapping(c.Name.ToLowerInvariant(), c.Name)).ToList();
        var missing = wanted.Select(f => f.Column).Concat(model.PrimaryKey).Where(c => !index.ContainsKey(c)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var available = string.Join(", ", columns.Select(c => c.Name).Where(n => n is not ModelQuery.MatchColumn and not ModelQuery.RowHashColumn));
            throw new SyncDefinitionException(
                $"sync '{sync.Name}': model '{model.Name}' returns no column {string.Join(", ", missing.Select(m => $"'{m}'"))}; it returns: {available}");
        }

        return new RowMapper(
            wanted.Select(f => (f.Field, index[f.Column])).ToArray(),
            model.PrimaryKey.Select(k => index[k]).ToArray(),
            model.PrimaryKey.ToArray(),
            index[ModelQuery.MatchColumn])
        {
            UsedColumns = wanted.Select(f => f.Column).Concat(model.PrimaryKey)
                .Select(c => columns[index[c]]).DistinctBy(c => c.Name.ToLowerInvariant())
                .ToDictionary(c => c.Name.ToLowerInvariant(), c => c.DataType, StringComparer.Ordinal),
        };
    }

    public MappedRow Map(long number, object?[] values)
    {
        var payload = new Dictionary<string, object?>(_fields.Length, StringComparer.Ordinal);
        foreach (var (field, i) in _fields)
        {
            payload[field] = values[i];
        }

        var parts = new object?[_keys.Length];
        for (var k = 0; k < _keys.Length; k++)
        {
            parts[k] = values[_keys[k]];
        }

        var matches = values[_match] is true;
        return RowKey.TryFormat(parts, out var key, out var bad)
            ? new MappedRow(number, key, null, matches, PayloadJson.Hash(payload), payload)
            : new MappedRow(number, null, $"primary key column '{_keyNames[bad]}' is null or empty", matches, 0, payload);
    }
}
