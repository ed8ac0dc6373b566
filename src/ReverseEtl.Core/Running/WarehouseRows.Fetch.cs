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

    // The rows of the keys pending, fetched in the warehouse on the other core while the key rows go on being read and
    // merged with the state (at 1% changed of a million rows, ten fetches of a thousand keys each scan the model); the
    // fetch before it, if any, is mapped first. Only the warehouse's part runs there: mapping, and the state's lookups
    // (Previous, which the merge fills), stay on this flow.
    private async Task<List<MappedRow>> FetchAheadAsync(CancellationToken cancellationToken)
    {
        var rows = await FetchedAsync();
        if (_pending.Count > 0)
        {
            var sql = ModelQuery.BuildFetch(context.Model, context.Sync, dialect, _pending.Select(p => p.Key));
            _pending.Clear();
            var stop = (_fetchStop ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)).Token;
            _fetching = Task.Run(() => ReadFetchAsync(sql, stop), stop);
        }

        return rows;
    }

    // Every row still to fetch: the fetch in flight, then the keys pending.
    private async Task<List<MappedRow>> FetchRestAsync(CancellationToken cancellationToken)
    {
        var rows = await FetchAheadAsync(cancellationToken);
        rows.AddRange(await FetchedAsync());
        return rows;
    }

    private async Task<(IReadOnlyList<WarehouseColumn> Columns, List<object?[]> Values)> ReadFetchAsync(string sql, CancellationToken cancellationToken)
    {
        await using var result = await context.Warehouse.QueryAsync(new WarehouseQuery(sql, context.QueryTag), cancellationToken);
        var values = new List<object?[]>(FetchChunk);
        await foreach (var row in result.ReadRowsAsync(cancellationToken))
        {
            values.Add(row);
        }

        return (result.Columns, values);
    }

    // The fetch in flight, awaited and mapped; none when there is none.
    private async Task<List<MappedRow>> FetchedAsync()
    {
        var rows = new List<MappedRow>();
        if (Interlocked.Exchange(ref _fetching, null) is not { } fetching)
        {
            return rows;
        }

        var (columns, values) = await fetching;
        foreach (var value in values)
        {
            rows.Add(Map(columns, ++RowsFetched, value));
        }

        return rows;
    }

    // A full row (fetched, or read whole), mapped with its row hash (one whose payload is as stored only moves its row
    // hash: the diff says so, DiffEngine.Compare).
    private MappedRow Map(IReadOnlyList<WarehouseColumn> columns, long number, object?[] value)
    {
        if (_mapper is null)
        {
            _mapper = RowMapper.Create(context.Sync, context.Model, columns);
            _hashIndex = OwnPosition(columns, ModelQuery.RowHashColumn);
            if (SchemaGuard.Check(context, savedColumns, _mapper) is { } changed)
            {
                _seen.Enqueue(changed);
            }
        }

        return _mapper.Map(number, value) with { RowHash = Hash(value[_hashIndex]) };
    }

    // A read that ends early (an error, a stop, a consumer that stops reading) stops its fetch in flight and waits for it
    // (DuckDB stops a query between rows), whose connection closes with it; it throws nothing, so that the read's own
    // error stays the one thrown. A failure of that fetch other than the stop is logged: the read ended for its own reason.
    private async Task EndFetchAsync()
    {
        using var stop = Interlocked.Exchange(ref _fetchStop, null);
        if (Interlocked.Exchange(ref _fetching, null) is not { } fetching)
        {
            return;
        }

        await stop!.CancelAsync();
        try
        {
            await fetching;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped here, as intended: the read is over.
        }
        catch (Exception ex)
        {
            context.Log.FetchInFlightFailed(context.Sync.Name, ex.Message);
        }
    }

    // The first 16 hex digits of the warehouse's hash; never 0, which means "unknown" in the state.
    private static ulong Hash(object? value) =>
        value is string hex && hex.Length >= 16 && ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hash) && hash != 0 ? hash : 1;
}
