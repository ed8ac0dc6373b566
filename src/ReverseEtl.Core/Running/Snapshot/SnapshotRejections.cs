using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The rows the diff will reject in a snapshot's statement (a null or empty key, a key on several rows), held until the
/// statement's rows are read and then numbered as the whole model numbers them in key order (<see cref="RejectedRows"/>),
/// as <c>diff: worker</c> does. The statement's own numbers are not the model's: once the state holds keys it returns
/// only the changed rows, and it orders a key by its type where the model's rows are numbered by the key's text (a
/// whole-number key: 9 before 10 there, '10' before '9' here).
/// A key's rows come together in the statement, so one row is held back to see whether the next shares its key.
/// </summary>
internal sealed class SnapshotRejections(SyncRunContext context, IWarehouseDialect dialect)
{
    private readonly RejectedRows _ranks = new(context, dialect);
    private readonly List<MappedRow> _held = [];
    private readonly List<(MappedRow Row, object?[] Values)> _group = [];
    private RowMapper? _mapper;

    /// <summary>
    /// The rows to pass on now for <paramref name="row"/> (mapped by <paramref name="mapper"/> from <paramref name="values"/>,
    /// which the row's payload keeps anyway): none while its key's group is open, the group before it once it closes.
    /// </summary>
    public IEnumerable<MappedRow> Pass(MappedRow row, object?[] values, RowMapper mapper)
    {
        var closed = _group.Count > 0 && (row.Key is null || _group[0].Row.Key != row.Key) ? Close() : [];
        _mapper = mapper;
        _group.Add((row, values));
        return closed;
    }

    /// <summary>The last group, then every row held, numbered as among all the model's rows (a query of the warehouse: read after its statement is closed).</summary>
    public async IAsyncEnumerable<MappedRow> EndAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var row in Close())
        {
            yield return row;
        }

        if (_ranks.Count == 0)
        {
            yield break;
        }

        // In the model's order, as diff: worker gives them (the statement orders a key by its type, the model by its
        // text: 51 before 130, '130' before '51'); a key's rows have numbers side by side, so they stay together.
        var numbered = await _ranks.NumberAsync(cancellationToken);
        foreach (var row in _held.Select((row, i) => row with { Number = numbered[i].Number }).OrderBy(r => r.Number))
        {
            yield return row;
        }

        _held.Clear();
    }

    // The open group: passed on when it is one keyed row, else held (a keyless row alone, a duplicated key's rows together).
    private MappedRow[] Close()
    {
        if (_group.Count == 0 || (_group.Count == 1 && _group[0].Row.Key is not null))
        {
            var rows = _group.Select(g => g.Row).ToArray();
            _group.Clear();
            return rows;
        }

        // The key's values taken only for a row held: most rows pass on, and need none.
        _ranks.Hold(_group.Select(g => (_mapper!.KeyValues(g.Values), g.Row.Matches)));
        _held.AddRange(_group.Select(g => g.Row));
        _group.Clear();
        return [];
    }
}
