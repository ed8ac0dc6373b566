using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The rejected rows of a read of some buckets only (<see cref="WorkerBuckets"/>): held until the rows are read, then
/// numbered as the whole model numbers them in key order (<see cref="RejectedRows"/>), as a read of every row would.
/// A key's rows come side by side in such a read, so the rows noted on the way are the keyless ones and those of a key
/// on several rows; a rejection holds no state back, so giving it later changes nothing else.
/// </summary>
internal sealed class HeldRejections(SyncRunContext context, IWarehouseDialect dialect)
{
    private static readonly IReadOnlyDictionary<string, object?> NoPayload = new Dictionary<string, object?>();
    private readonly Dictionary<long, (object? Key, bool Matches)> _noted = [];
    private readonly List<(string? Key, string Reason, List<(object? Key, bool Matches)> Rows)> _held = [];
    private (long Number, string? Key, object? Value, bool Matches) _last;

    /// <summary>
    /// The rows, as they come to the merge: the keyless ones and those of a key on several rows noted, each counted for
    /// <paramref name="check"/>, which is verified after the last (before the merge can find a key removed).
    /// </summary>
    public async IAsyncEnumerable<MappedRow> NoteAsync(IAsyncEnumerable<ReadAgainRow> rows, RereadCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        await foreach (var (row, value, bucket) in rows)
        {
            check.Count(row, bucket);
            if (row.Key is not null && row.Key == _last.Key)
            {
                _noted.TryAdd(_last.Number, (_last.Value, _last.Matches));
            }

            if (row.Key is null || row.Key == _last.Key)
            {
                _noted[row.Number] = (value, row.Matches);
            }

            _last = (row.Number, row.Key, value, row.Matches);
            yield return row;
        }

        check.Verify();
    }

    /// <summary>Holds a rejection of a row noted; false for any other (given as it is).</summary>
    public bool Hold(RowRejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        if (!_noted.Remove(rejected.RowNumber, out var row))
        {
            return false;
        }

        // A key's rows come together; keyless rows are held as two groups, the null keys' and the empty ones', each ranked once.
        var group = rejected.Key is null ? _held.FindIndex(h => h.Key is null && Keyless(h.Rows[0].Key) == Keyless(row.Key))
            : _held.Count > 0 && _held[^1].Key == rejected.Key ? _held.Count - 1 : -1;
        if (group >= 0)
        {
            _held[group].Rows.Add(row);
        }
        else
        {
            _held.Add((rejected.Key, rejected.Reason, [row]));
        }

        return true;
    }

    /// <summary>The rejections held, numbered among all the model's rows: a duplicated key's rows name each other as the full read does.</summary>
    public async IAsyncEnumerable<RowRejected> NumberedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ranks = new RejectedRows(context, dialect);
        foreach (var (_, _, rows) in _held)
        {
            ranks.Hold(rows.Select(r => (new[] { r.Key }, r.Matches)));
        }

        var numbers = ranks.Count == 0 ? [] : (await ranks.NumberAsync(cancellationToken)).Select(n => n.Number).ToList();
        var at = 0;
        foreach (var (key, reason, rows) in _held)
        {
            var group = numbers.GetRange(at, rows.Count);
            at += rows.Count;
            for (var i = 0; i < group.Count; i++)
            {
                yield return key is null
                    ? new RowRejected(group[i], null, reason) // a keyless row names no other
                    : DiffEngine.Duplicate(new MappedRow(group[i], key, null, rows[i].Matches, 0, NoPayload), group[i == 0 ? 1 : 0]);
            }
        }

        _held.Clear();
    }

    // Which of the two kinds of keyless row: a null key, or an empty one.
    private static bool Keyless(object? key) => key is null;
}
