using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The rows of a diff in the warehouse (<c>diff: warehouse</c>): every key is read with the warehouse's hash of its
/// whole row; a key whose hash and match are as stored becomes a row the diff sees as unchanged, without its payload;
/// only new or changed keys are fetched whole, a thousand at a time, each fetch in the warehouse while the key rows go on
/// being read (<see cref="FetchAheadAsync"/>); or, on a first run and where almost every key bucket differs, every row is
/// read whole in one query instead (<see cref="Whole"/>). The diff that follows is the worker's own, so the
/// changes are the same as when every row is read (a row whose payload is as stored but whose row hash moved only moves
/// its stored row hash). A key that appears twice is passed on twice and rejected as usual.
/// The columns read, which the state should keep, it queues for the caller.
/// With <paramref name="where"/> (from <see cref="BucketCompare"/>) it reads only the keys of the rows it selects, and
/// <paramref name="states"/> compares them with the stored state of those keys only. The key rows come ordered by each
/// key column's text, as <c>diff: worker</c> reads them, and, for a single-column key, where the key streams (<see cref="StreamingKeys"/>),
/// are merged with the state streamed in the same order: a key found unchanged is passed over, not passed on.
/// </summary>
internal sealed partial class WarehouseRows(
    SyncRunContext context, IWarehouseDialect dialect, KeyStates states, IReadOnlyDictionary<string, string> savedColumns, string? where = null)
{
    /// <summary>The most keys one fetch reads.</summary>
    public const int FetchChunk = 1_000;
    private static readonly IReadOnlyDictionary<string, object?> NoPayload = new Dictionary<string, object?>();
    private readonly Queue<DiffEvent> _seen = new();
    private readonly List<(long Number, object?[] Key)> _pending = [];
    private readonly RejectedRows? _rejected = where is null ? null : new RejectedRows(context, dialect);
    private RowMapper? _mapper;
    private int _hashIndex;
    private IReadOnlyList<WarehouseColumn> _columns = [];
    private Task<(IReadOnlyList<WarehouseColumn> Columns, List<object?[]> Values)>? _fetching;
    private CancellationTokenSource? _fetchStop;

    /// <summary>Whether the state may stream (else it is loaded in memory, for every key).</summary>
    public bool MayStream { get; init; } = true;

    /// <summary>
    /// Whether every row is read whole (<see cref="ModelQuery.BuildRows"/>) instead of its key and row hash, a new or
    /// changed row then mapped as it is read rather than fetched: for a first run (every row new) and when almost every
    /// key bucket differs (every row hash moved: the sync's fields edited, an upgrade), where fetching most rows a
    /// thousand keys at a time would run the model once per thousand (at a million rows, 44 s). Not with a <c>where</c>.
    /// </summary>
    public bool Whole { get; init; }

    /// <summary>
    /// Whether a key's rows are passed on one after the other, so that the diff needs no set of every key seen (once the
    /// first row is read): rows read <see cref="Whole"/> against the state streamed, where the read groups a key's rows
    /// and the merge (<see cref="KeyStates.FindAsync"/>) throws for a key out of order. Not where rows are fetched (a fetch may bring a key's rows apart, should the
    /// model change meanwhile), nor with a <c>where</c> (its rejected rows are passed on at the end, in row order).
    /// On a first run, the set would hold every key of the model: about 100 bytes a row.
    /// </summary>
    public bool KeysAdjacent => Whole && states.Streams;

    /// <summary>Key + row-hash rows read (whole rows, when <see cref="Whole"/>).</summary>
    public long KeysRead { get; private set; }

    /// <summary>Full rows read: those fetched (the new or changed keys), or every row when read <see cref="Whole"/>.</summary>
    public long RowsFetched { get; private set; }

    /// <summary>
    /// What was seen since the last call that only the state needs: the columns read (<see cref="ColumnsChanged"/>,
    /// once, before any fetched row).
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
        if (Whole && where is not null)
        {
            throw new InvalidOperationException("rows read whole are every row: a condition on them would pass the others over as removed");
        }

        var sql = Whole ? ModelQuery.BuildRows(model, context.Sync, dialect) : ModelQuery.BuildKeys(model, context.Sync, dialect, where);
        var keys = await context.Warehouse.QueryAsync(new WarehouseQuery(sql, context.QueryTag), cancellationToken);
        try
        {
            _columns = keys.Columns;
            var (at, hashAt, matchAt) = (model.PrimaryKey.Select(Position).ToArray(), OwnPosition(_columns, ModelQuery.RowHashColumn), OwnPosition(_columns, ModelQuery.MatchColumn));
            await states.OpenAsync(byText && MayStream && StreamingKeys.ByTypes(at.Select(i => keys.Columns[i].DataType).ToArray()), cancellationToken);

            var group = new List<(long Number, object?[] Key, string? Text, ulong Hash, bool Matches, object?[] Row)>();
            try
            {
                await foreach (var values in keys.ReadRowsAsync(cancellationToken))
                {
                    var number = ++KeysRead;
                    RowsFetched += Whole ? 1 : 0;
                    var key = keyCount == 1 ? [values[at[0]]] : at.Select(i => values[i]).ToArray();
                    var text = RowKey.TryFormat(key, out var formatted, out _) ? formatted : null;
                    if (group.Count > 0 && (text is null || text != group[0].Text))
                    {
                        foreach (var row in await SettleAsync(group, cancellationToken))
                        {
                            yield return row;
                        }
                    }

                    group.Add((number, key, text, Hash(values[hashAt]), values[matchAt] is true, values));
                }

                // The last key's rows; none when the model returned no row (a mirror's empty model, held by the guard).
                foreach (var row in group.Count > 0 ? await SettleAsync(group, cancellationToken) : [])
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
        }
        finally
        {
            await keys.DisposeAsync(); // before numbering the rejected rows, which may sort every key of the model
        }

        // Some keys only: rejected rows are numbered as among all rows, once the read is over.
        foreach (var (number, key, matches) in _rejected is { Count: > 0 } rejected ? await rejected.NumberAsync(cancellationToken) : [])
        {
            yield return Placeholder(number, RowKey.TryFormat(key, out var text, out _) ? text : null, key, matches);
        }
    }

    // Where a column is among the key rows' (or whole rows') columns: the first of the name, in any case, as RowMapper finds it.
    private int Position(string name) => _columns.Select((c, i) => (c, i)).First(x => x.c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).i;

    // Where one of the columns the worker adds is: the last of the name, after the model's own (a model column so named
    // is refused by RowMapper when the first row is mapped; until then, rows are judged by the worker's column).
    private static int OwnPosition(IReadOnlyList<WarehouseColumn> columns, string name) =>
        columns.Select((c, i) => (c, i)).Last(x => x.c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).i;

    // One key's rows: unchanged (passed on without payload), duplicated or keyless (passed on to be rejected), or to fetch
    // (read whole: mapped now).
    private async Task<List<MappedRow>> SettleAsync(List<(long Number, object?[] Key, string? Text, ulong Hash, bool Matches, object?[] Row)> group, CancellationToken cancellationToken)
    {
        var rows = new List<MappedRow>();
        var first = group[0];
        // Asked for every keyed group, duplicated ones too: streamed, FindAsync throws for a key not after the last one,
        // which is what lets the diff keep no set of the keys seen (KeysAdjacent). Do not skip it for any group.
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
            if (Whole)
            {
                rows.Add(Map(_columns, first.Number, first.Row));
            }
            else
            {
                _pending.Add((first.Number, first.Key));
            }
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
