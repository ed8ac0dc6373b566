using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

// Fetching the new or changed keys' rows whole, and the rows passed on without a payload.
internal sealed partial class WarehouseRows
{
    private MappedRow Placeholder(long number, string? text, object?[] key, bool matches)
    {
        _ = RowKey.TryFormat(key, out _, out var bad);
        return text is null
            ? new MappedRow(number, null, $"primary key column '{context.Model.PrimaryKey[bad]}' is null or empty", matches, 0, NoPayload)
            : new MappedRow(number, text, null, matches, 0, NoPayload);
    }

    private async Task<List<MappedRow>> FetchAsync(CancellationToken cancellationToken)
    {
        var rows = new List<MappedRow>();
        if (_pending.Count == 0)
        {
            return rows;
        }

        var sql = ModelQuery.BuildFetch(context.Model, context.Sync, dialect, _pending.Select(p => p.Key));
        _pending.Clear();
        await using var result = await context.Warehouse.QueryAsync(new WarehouseQuery(sql, context.QueryTag), cancellationToken);
        if (_mapper is null)
        {
            _mapper = RowMapper.Create(context.Sync, context.Model, result.Columns);
            if (SchemaGuard.Check(context, savedColumns, _mapper) is { } columns)
            {
                _seen.Enqueue(columns);
            }
        }

        var hashIndex = result.Columns.Select((c, i) => (c, i)).First(x => x.c.Name.Equals(ModelQuery.RowHashColumn, StringComparison.OrdinalIgnoreCase)).i;
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            var row = _mapper.Map(++RowsFetched, values) with { RowHash = Hash(values[hashIndex]) };
            if (row.Key is { } key && states.Previous.TryGetValue(key, out var before) && before.Hash == row.Hash && before.Matched == row.Matches)
            {
                _seen.Enqueue(new RowRehashed(key, before with { RowHash = row.RowHash }));
            }

            rows.Add(row);
        }

        return rows;
    }

    // The first 16 hex digits of the warehouse's hash; never 0, which means "unknown" in the state.
    private static ulong Hash(object? value) =>
        value is string hex && hex.Length >= 16 && ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hash) && hash != 0 ? hash : 1;
}
