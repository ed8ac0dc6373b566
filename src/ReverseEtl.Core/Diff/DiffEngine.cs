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
/// already gone on; catching it takes a set of every key seen, which a caller whose rows always bring a key's rows
/// together (<c>keysAdjacent</c>) does without. Removed keys are yielded only after the last row, so a failed read
/// never looks like a mass delete.
/// </remarks>
public static class DiffEngine
{
    /// <summary>Diffs <paramref name="rows"/> against <paramref name="previous"/>, which is consumed (keys are removed as they are seen).</summary>
    public static IAsyncEnumerable<DiffEvent> DiffAsync(
        IAsyncEnumerable<MappedRow> rows,
        Dictionary<string, RecordState> previous,
        CancellationToken cancellationToken = default) => DiffAsync(rows, previous, keysAdjacent: false, cancellationToken);

    /// <summary>
    /// As above; with <paramref name="keysAdjacent"/>, the caller guarantees that the rows of a key always arrive one
    /// after the other (its query orders them so, ties broken by the key's own text), so no set of the keys seen is kept
    /// to catch a duplicate out of order: memory stays flat however many rows there are (a first run returns them all).
    /// </summary>
    public static IAsyncEnumerable<DiffEvent> DiffAsync(
        IAsyncEnumerable<MappedRow> rows,
        Dictionary<string, RecordState> previous,
        bool keysAdjacent,
        CancellationToken cancellationToken = default) => DiffAsync(rows, previous, () => keysAdjacent, cancellationToken);

    /// <summary>
    /// As above, <paramref name="keysAdjacent"/> asked once the first row is read: a source that learns only then how
    /// its rows come (<see cref="Running.WarehouseRows.KeysAdjacent"/>).
    /// </summary>
    internal static async IAsyncEnumerable<DiffEvent> DiffAsync(
        IAsyncEnumerable<MappedRow> rows,
        Dictionary<string, RecordState> previous,
        Func<bool> keysAdjacent,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keysAdjacent);
        HashSet<string>? seen = null;
        var first = true;
        Pending? pending = null;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (first)
            {
                first = false;
                seen = keysAdjacent() ? null : new HashSet<string>(StringComparer.Ordinal);
            }

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
            if (seen is not null && !seen.Add(row.Key))
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

    // A row's difference from its stored state: added, changed, or, with its payload and match as stored but the
    // warehouse's row hash moved (a column no field maps, the fields edited: diff: warehouse), only its stored row hash
    // moves; null when as stored. Yielded here, in row order, a rehash is stored as the run goes, not held to its end.
    internal static DiffEvent? Compare(MappedRow row, RecordState? previous)
    {
        if (previous is not { } before)
        {
            return new RowChange(row.Key!, ChangeKind.Added, WasMatching: false, row.Matches, row);
        }

        if (before.Hash != row.Hash || before.Matched != row.Matches)
        {
            return new RowChange(row.Key!, ChangeKind.Changed, before.Matched, row.Matches, row);
        }

        return row.RowHash != 0 && row.RowHash != before.RowHash ? new RowRehashed(row.Key!, before with { RowHash = row.RowHash }) : null;
    }

    internal static RowRejected Duplicate(MappedRow row, long otherRow) =>
        new(row.Number, row.Key, $"duplicate primary key '{row.Key}' (rows {Math.Min(row.Number, otherRow)} and {Math.Max(row.Number, otherRow)}); no row of this key is synced until the model has one");

    // A struct: the diffs hold one per row, and a class would be one more allocation per row.
    internal readonly record struct Pending(MappedRow Row, RecordState? Previous, bool Duplicated);
}
