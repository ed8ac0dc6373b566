using System.Globalization;
using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The rows of a diff against the in-warehouse snapshot (<c>diff: warehouse</c> on a connection with
/// <c>snapshot: { schema }</c>): one statement in the warehouse returns only the rows whose key is new, null or
/// duplicated, or whose row hash or match differ from the snapshot, and the keys the model lost. The snapshot is a
/// filter, never the truth: each key returned is confirmed against the stored state (looked up before the run stores that
/// key, so as the run began), and only those keys go
/// to the diff (<see cref="Previous"/>), so a snapshot that lags sends nothing twice. Before that, <see cref="PrepareAsync"/>
/// makes sure it hides no change: it must hold the state's keys, row hashes and matches (count and sum of check numbers).
/// The state is never held whole: the check and a rebuild stream it, the confirmations look up the returned keys a batch
/// at a time, so memory grows with the returned keys the state held (the changed ones), not with the table, nor with
/// a first run's keys, all new.
/// </summary>
internal sealed partial class SnapshotRows(SyncRunContext context, IWarehouseDialect dialect, IWarehouseWriter writer)
{
    private const int ConfirmBatch = 1_000;

    // Duplicated keys listed in the diff statement as literals; past that many, it finds them itself.
    private const int MostDuplicates = 1_000;
    private readonly SnapshotSql _sql = new(dialect, writer.SnapshotSchema!, context.Sync.Name);
    private readonly Queue<DiffEvent> _seen = new();

    // The returned keys that the state held, confirmed once (a second row of one is a duplicate, and a lost key a row had
    // is not removed). Only those: a first run's keys, all new, are never held, so its memory does not grow with them.
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

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

    /// <summary>What was seen for the state only: the columns read (once).</summary>
    public IEnumerable<DiffEvent> TakeSeen()
    {
        while (_seen.TryDequeue(out var item))
        {
            yield return item;
        }
    }

    public async IAsyncEnumerable<MappedRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (gone, batch) = (new List<string>(), new List<MappedRow>(ConfirmBatch));
        var rejections = new SnapshotRejections(context, dialect);
        await using (var result = Interlocked.Exchange(ref _opened, null) ?? await OpenStatementAsync(cancellationToken))
        {
            var (mapper, hashIndex) = Mapper(result.Columns);
            await foreach (var values in result.ReadRowsAsync(cancellationToken))
            {
                if (Take(values, mapper, hashIndex, gone) is { } row)
                {
                    batch.AddRange(rejections.Pass(row, values, mapper));
                }

                if (batch.Count < ConfirmBatch)
                {
                    continue;
                }

                await foreach (var confirmed in ConfirmAsync(batch, cancellationToken))
                {
                    yield return confirmed;
                }
            }
        }

        // Closed first: numbering the rejected rows queries the warehouse again.
        await foreach (var row in rejections.EndAsync(cancellationToken))
        {
            batch.Add(row);
        }

        await foreach (var confirmed in ConfirmAsync(batch, cancellationToken))
        {
            yield return confirmed;
        }

        await AddGoneAsync(gone, cancellationToken);
    }

    // The texts of the keys more than one row has, usually none; null past MostDuplicates (the statement then finds them itself).
    private async Task<IReadOnlyCollection<string>?> DuplicatesAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using var result = await context.Warehouse.QueryAsync(new WarehouseQuery(_sql.Duplicates(context.Model, MostDuplicates + 1), context.QueryTag), cancellationToken);
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            if (values[0] is { } key)
            {
                keys.Add(Convert.ToString(key, CultureInfo.InvariantCulture)!);
            }
        }

        return keys.Count > MostDuplicates ? null : keys;
    }

    // The mapper of the statement's columns (its own extra columns left out), and where the row hash is.
    private (RowMapper Mapper, int HashIndex) Mapper(IReadOnlyList<WarehouseColumn> all)
    {
        var columns = all.Take(all.Count - SnapshotSql.Extra.Count).ToList();
        var mapper = RowMapper.Create(context.Sync, context.Model, columns);
        if (SchemaGuard.Check(context, context.Saved.Columns, mapper) is { } changed)
        {
            _seen.Enqueue(changed);
        }

        return (mapper, columns.FindIndex(c => c.Name.Equals(ModelQuery.RowHashColumn, StringComparison.OrdinalIgnoreCase)));
    }

    // One returned row, mapped; null for a key the model lost (added to gone).
    private MappedRow? Take(object?[] values, RowMapper mapper, int hashIndex, List<string> gone)
    {
        RowsRead++;
        ModelEmpty = Convert.ToInt64(values[^1], CultureInfo.InvariantCulture) == 0;
        if (values[hashIndex] is null)
        {
            gone.Add(Convert.ToString(values[^2], CultureInfo.InvariantCulture)!);
            return null;
        }

        return mapper.Map(RowsRead, values) with { RowHash = Hash(values[hashIndex]) };
    }

    // The first 16 hex digits of the warehouse's hash, or the number they print (IWarehouseSnapshotBuckets.RowHashNumber,
    // read as a long or, past long's range, a decimal); never 0, which means "unknown" in the state (as WarehouseRows).
    internal static ulong Hash(object? value) => value switch
    {
        string hex when hex.Length >= 16 && ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hash) && hash != 0 => hash,
        long number when number != 0 => unchecked((ulong)number),
        decimal number when number > 0 && number <= ulong.MaxValue && decimal.Truncate(number) == number => (ulong)number,
        _ => 1,
    };
}
