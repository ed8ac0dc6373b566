using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Diff;

/// <summary>
/// Compares a model's rows with the sync state by key, as they stream: yields added, changed and removed keys
/// (with whether each matched before and matches now) and rejected rows. Memory grows with the number of keys only.
/// Where the keys arrive in <see cref="KeyOrder"/>, <see cref="MergeDiff"/> gives the same events without holding them.
/// </summary>
/// <remarks>
/// Rows should arrive ordered by key (the runner orders the query so): then every row of a duplicated key is rejected,
/// and the key's state is left alone. A duplicate that arrives out of order is rejected alone, since its first row has
/// already gone on. Removed keys are yielded only after the last row, so a failed read never looks like a mass delete.
/// </remarks>
public static class DiffEngine
{
    /// <summary>Diffs <paramref name="rows"/> against <paramref name="previous"/>, which is consumed (keys are removed as they are seen).</summary>
    public static async IAsyncEnumerable<DiffEvent> DiffAsync(
        IAsyncEnumerable<MappedRow> rows,
        Dictionary<string, RecordState> previous,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Pending? pending = null;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.Key is null)
            {
                yield return new RowRejected(row.Number, null, row.KeyProblem ?? "the primary key is null");
                continue;
            }

            if (pending is { } held && held.Row.Key == row.Key)
            {
                if (!held.Duplicated)
                {
                    yield return Duplicate(held.Row, row.Number);
                    pending = held with { Duplicated = true };
                }

                yield return Duplicate(row, held.Row.Number);
                continue;
            }

            if (pending is { Duplicated: false } ready && Compare(ready.Row, ready.Previous) is { } change)
            {
                yield return change;
            }

            pending = null;
            if (!seen.Add(row.Key))
            {
                yield return new RowRejected(row.Number, row.Key, $"duplicate primary key '{row.Key}'; an earlier row with this key was already synced in this run (the rows were not ordered by key)");
                continue;
            }

            pending = new Pending(row, previous.Remove(row.Key, out var state) ? state : null, Duplicated: false);
        }

        if (pending is { Duplicated: false } last && Compare(last.Row, last.Previous) is { } lastChange)
        {
            yield return lastChange;
        }

        foreach (var (key, state) in previous)
        {
            yield return new RowChange(key, ChangeKind.Removed, state.Matched, IsMatching: false, Row: null);
        }
    }

    internal static RowChange? Compare(MappedRow row, RecordState? previous)
    {
        if (previous is not { } before)
        {
            return new RowChange(row.Key!, ChangeKind.Added, WasMatching: false, row.Matches, row);
        }

        return before.Hash == row.Hash && before.Matched == row.Matches
            ? null
            : new RowChange(row.Key!, ChangeKind.Changed, before.Matched, row.Matches, row);
    }

    internal static RowRejected Duplicate(MappedRow row, long otherRow) =>
        new(row.Number, row.Key, $"duplicate primary key '{row.Key}' (rows {Math.Min(row.Number, otherRow)} and {Math.Max(row.Number, otherRow)}); no row of this key is synced until the model has one");

    // A struct: the diffs hold one per row, and a class would be one more allocation per row.
    internal readonly record struct Pending(MappedRow Row, RecordState? Previous, bool Duplicated);
}
