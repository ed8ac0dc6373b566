using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The rows of a diff against the in-warehouse snapshot (<c>diff: warehouse</c> on a connection with
/// <c>snapshot: { schema }</c>): one statement in the warehouse returns only the rows whose key is new, null or
/// duplicated, or whose row hash or match differ from the snapshot, and the keys the model lost. The snapshot is a
/// filter, never the truth: each key returned is confirmed against the state the run began with, and only those keys go
/// to the diff (<see cref="Previous"/>), so a snapshot that lags sends nothing twice. Before that, <see cref="PrepareAsync"/>
/// makes sure it hides no change: it must hold the state's keys, row hashes and matches (count and sum of check numbers).
/// </summary>
internal sealed class SnapshotRows(SyncRunContext context, IWarehouseDialect dialect, IWarehouseWriter writer)
{
    private const int RebuildBatch = 1_000;
    private const int StatementsPerCall = 20;
    private readonly SnapshotSql _sql = new(dialect, writer.SnapshotSchema!, context.Sync.Name);
    private readonly Queue<DiffEvent> _seen = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private (string Key, RowRehashed Event)? _rehash;
    private IReadOnlyDictionary<string, RecordState> _state = new Dictionary<string, RecordState>();

    /// <summary>Rows the diff statement returned: changed rows whole, and lost keys.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Whether the model had no row; unknown (false) when the statement returned nothing.</summary>
    public bool ModelEmpty { get; private set; }

    /// <summary>The state of the keys the statement returned, for the diff (which consumes it).</summary>
    public Dictionary<string, RecordState> Previous { get; } = new(StringComparer.Ordinal);

    public static SnapshotRows? For(SyncRunContext context) =>
        context.Warehouse is IWarehouseWriter { SnapshotSchema: not null } writer && context.Warehouse is IWarehouseDialect dialect
            ? new SnapshotRows(context, dialect, writer)
            : null;

    /// <summary>What was seen for the state only: the columns read (once) and rows whose stored row hash must move.</summary>
    public IEnumerable<DiffEvent> TakeSeen()
    {
        while (_seen.TryDequeue(out var item))
        {
            yield return item;
        }
    }

    /// <summary>
    /// Creates the table if missing and compares it with the state. When they differ, a run rebuilds it from the state
    /// and returns true; a plan, which writes nothing, returns false and reads as a diff without a snapshot does.
    /// </summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        await writer.ExecuteAsync([_sql.Create], context.QueryTag, cancellationToken);
        var (count, sum) = await ReadCheckAsync(cancellationToken);
        var state = _state = await context.Saved.Records.SharedAsync(cancellationToken);
        var expected = state.Aggregate(BigInteger.Zero, (total, entry) => total + SnapshotEntry.MixOf(entry.Key, entry.Value));
        if (count == state.Count && sum == expected)
        {
            return true;
        }

        var rebuild = context.RunId != 0;
        context.Log.SnapshotBehind(context.Sync.Name, _sql.Table, count, state.Count, rebuild ? "rebuilding it from the state before the diff" : "this plan reads every key and row hash instead");
        if (rebuild)
        {
            await RebuildAsync(cancellationToken);
        }

        return rebuild;
    }

    public async IAsyncEnumerable<MappedRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new WarehouseQuery(_sql.Diff(context.Model, context.Sync), context.QueryTag);
        await using var result = await context.Warehouse.QueryAsync(query, cancellationToken);
        var columns = result.Columns.Take(result.Columns.Count - SnapshotSql.Extra.Length).ToList();
        var mapper = RowMapper.Create(context.Sync, context.Model, columns);
        if (SchemaGuard.Check(context, context.Saved.Columns, mapper) is { } changed)
        {
            _seen.Enqueue(changed);
        }

        var hashIndex = columns.FindIndex(c => c.Name.Equals(ModelQuery.RowHashColumn, StringComparison.OrdinalIgnoreCase));
        var gone = new List<string>();
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            RowsRead++;
            ModelEmpty = Convert.ToInt64(values[^1], CultureInfo.InvariantCulture) == 0;
            if (values[hashIndex] is null)
            {
                gone.Add(Convert.ToString(values[^2], CultureInfo.InvariantCulture)!);
                continue;
            }

            yield return Confirm(mapper.Map(RowsRead, values) with { RowHash = Hash(values[hashIndex]) });
        }

        Settle(null);
        foreach (var key in gone.Where(k => !_keys.Contains(k)).Order(StringComparer.Ordinal))
        {
            if (_state.TryGetValue(key, out var before))
            {
                Previous[key] = before;
            }
        }
    }

    // A returned row against the state: as stored (a snapshot that lagged) it reaches the diff as unchanged; with only
    // its row hash moved, the state's row hash moves (unless the key turns out duplicated).
    private MappedRow Confirm(MappedRow row)
    {
        Settle(row.Key);
        if (row.Key is not { } key || !_keys.Add(key) || !_state.TryGetValue(key, out var before))
        {
            return row;
        }

        Previous[key] = before;
        if (before.RowHash == row.RowHash && before.Matched == row.Matches)
        {
            return row with { Hash = before.Hash };
        }

        if (before.Hash == row.Hash && before.Matched == row.Matches)
        {
            _rehash = (key, new RowRehashed(key, before with { RowHash = row.RowHash }));
        }

        return row;
    }

    // A rehash waits for the next key: a second row of the same key makes it a duplicate, whose state stays as it is.
    private void Settle(string? next)
    {
        if (_rehash is { } pending && pending.Key != next)
        {
            _seen.Enqueue(pending.Event);
        }

        _rehash = null;
    }

    private async Task<(long Count, BigInteger Sum)> ReadCheckAsync(CancellationToken cancellationToken)
    {
        await using var result = await context.Warehouse.QueryAsync(new WarehouseQuery(_sql.Check, context.QueryTag), cancellationToken);
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            return (Convert.ToInt64(values[0], CultureInfo.InvariantCulture), BigInteger.Parse(Convert.ToString(values[1], CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture));
        }

        return (0, BigInteger.Zero);
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var keyColumns = context.Model.PrimaryKey.Count;
        await writer.ExecuteAsync([_sql.Clear], context.QueryTag, cancellationToken);
        foreach (var group in _state.Chunk(RebuildBatch * StatementsPerCall))
        {
            var statements = group.Chunk(RebuildBatch).SelectMany(chunk => _sql.Insert(chunk.Select(e => SnapshotEntry.Of(e.Key, e.Value, keyColumns)).ToList()));
            await writer.ExecuteAsync(statements.ToList(), context.QueryTag, cancellationToken);
        }

        context.Log.SnapshotRebuilt(context.Sync.Name, _sql.Table, _state.Count);
    }

    // The first 16 hex digits of the warehouse's hash; never 0, which means "unknown" in the state (as WarehouseRows).
    private static ulong Hash(object? value) =>
        value is string hex && hex.Length >= 16 && ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hash) && hash != 0 ? hash : 1;
}
