using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The rows of a diff in the warehouse (<c>diff: warehouse</c>): every key is read with the warehouse's hash of its
/// whole row; a key whose hash and match are as stored becomes a row the diff sees as unchanged, without its payload;
/// only new or changed keys are fetched whole, a thousand at a time, each fetch in the warehouse while the key rows go on
/// being read (<see cref="FetchAheadAsync"/>). The diff that follows is the worker's own, so the
/// changes are the same as when every row is read. A key that appears twice is passed on twice and rejected as usual.
/// What it sees that the state should keep (the columns read, rows whose row hash moved) it queues for the caller.
/// With <paramref name="where"/> (from <see cref="BucketCompare"/>) it reads only the keys of the rows it selects, and
/// <paramref name="states"/> compares them with the stored state of those keys only. The key rows of a single-column key
/// come ordered by its text, as <c>diff: worker</c> reads them, and, where the key streams (<see cref="StreamingKeys"/>),
/// are merged with the state streamed in the same order: a key found unchanged is passed over, not passed on.
/// </summary>
internal sealed partial class WarehouseRows(
    SyncRunContext context, IWarehouseDialect dialect, KeyStates states, IReadOnlyDictionary<string, string> savedColumns, string? where = null)
{
    private const int FetchChunk = 1_000;
    private static readonly IReadOnlyDictionary<string, object?> NoPayload = new Dictionary<string, object?>();
    private readonly Queue<DiffEvent> _seen = new();
    private readonly List<(long Number, object?[] Key)> _pending = [];
    private readonly RejectedRows? _rejected = where is null ? null : new RejectedRows(context, dialect);
    private RowMapper? _mapper;
    private Task<(IReadOnlyList<WarehouseColumn> Columns, List<object?[]> Values)>? _fetching;
    private CancellationTokenSource? _fetchStop;

    /// <summary>Whether the state may stream (else it is loaded in memory, for every key).</summary>
    public bool MayStream { get; init; } = true;

    /// <summary>Key + row-hash rows read.</summary>
    public long KeysRead { get; private set; }

    /// <summary>Full rows fetched (the new or changed keys).</summary>
    public long RowsFetched { get; private set; }

    /// <summary>
    /// What was seen since the last call that only the state needs: the columns read (<see cref="ColumnsChanged"/>,
    /// once, before any fetched row) and rows whose stored row hash must move although nothing is sent.
    /// </summary>
    public IEnumerable<DiffEvent> TakeSeen()
    {
        while (_seen.TryDequeue(out var item))
        {
            yield return item;
        }
    }

    public async IAsyncEnumerable<MappedRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = context.Model;
        var keyCount = model.PrimaryKey.Count;
        var byText = keyCount == 1;
        var query = new WarehouseQuery(ModelQuery.BuildKeys(model, context.Sync, dialect, where, byText), context.QueryTag);
        await using var keys = await context.Warehouse.QueryAsync(query, cancellationToken);
        var keyTypes = model.PrimaryKey.Select(k => keys.Columns.First(c => c.Name.Equals(k, StringComparison.OrdinalIgnoreCase)).DataType).ToArray();
        await states.OpenAsync(byText && MayStream && StreamingKeys.ByTypes(keyTypes), cancellationToken);

        var group = new List<(long Number, object?[] Key, string? Text, ulong Hash, bool Matches)>();
        try
        {
            await foreach (var values in keys.ReadRowsAsync(cancellationToken))
            {
                var number = ++KeysRead;
                var key = values[..keyCount];
                var text = RowKey.TryFormat(key, out var formatted, out _) ? formatted : null;
                if (group.Count > 0 && (text is null || text != group[0].Text))
                {
                    foreach (var row in await SettleAsync(group, cancellationToken))
                    {
                        yield return row;
                    }
                }

                group.Add((number, key, text, Hash(values[keyCount]), values[keyCount + 1] is true));
            }

            foreach (var row in await SettleAsync(group, cancellationToken))
            {
                yield return row;
            }

            foreach (var row in await FetchRestAsync(cancellationToken))
            {
                yield return row;
            }
        }
        finally
        {
            await EndFetchAsync();
        }

        // Some keys only: rejected rows are numbered as among all rows, once the read is over.
        foreach (var (number, key, matches) in _rejected is { Count: > 0 } rejected ? await rejected.NumberAsync(cancellationToken) : [])
        {
            yield return Placeholder(number, RowKey.TryFormat(key, out var text, out _) ? text : null, key, matches);
        }
    }

    // One key's rows: unchanged (passed on without payload), duplicated or keyless (passed on to be rejected), or to fetch.
    private async Task<List<MappedRow>> SettleAsync(List<(long Number, object?[] Key, string? Text, ulong Hash, bool Matches)> group, CancellationToken cancellationToken)
    {
        var rows = new List<MappedRow>();
        var first = group[0];
        var before = first.Text is null ? null : await states.FindAsync(first.Text);
        if ((first.Text is null || group.Count > 1) && _rejected is not null)
        {
            _rejected.Hold(group.Select(g => (g.Key, g.Matches)));
        }
        else if (first.Text is null || group.Count > 1)
        {
            rows.AddRange(group.Select(g => Placeholder(g.Number, g.Text, g.Key, g.Matches)));
        }
        else if (before is { } stored && stored.RowHash == first.Hash && stored.Matched == first.Matches)
        {
            // Held whole, the state loses the key only when the diff sees its row; streamed, it is already passed.
            if (!states.Streams)
            {
                rows.Add(new MappedRow(first.Number, first.Text, null, stored.Matched, stored.Hash, NoPayload) { RowHash = stored.RowHash });
            }
        }
        else
        {
            states.Fetching(first.Text, before);
            _pending.Add((first.Number, first.Key));
        }

        group.Clear();
        if (_pending.Count >= FetchChunk || _fetching is { IsFaulted: true })
        {
            // A fetch that failed is the read's error at once, not a thousand keys later.
            rows.AddRange(await FetchAheadAsync(cancellationToken));
        }

        return rows;
    }
}
