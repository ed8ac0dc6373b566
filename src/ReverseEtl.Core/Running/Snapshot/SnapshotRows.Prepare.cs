using System.Numerics;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Checks;

namespace ReverseEtl.Core.Running.Snapshot;

// The check before the diff, with the diff's statement run in the warehouse while the state is read for it.
internal sealed partial class SnapshotRows : IAsyncDisposable
{
    // The diff's statement, run while the check read the state, for OpenAsync when the check found the snapshot as the
    // state has it; null when it must be run again (or after OpenAsync took it).
    private Task<OpenedRows>? _opening;

    // The diff's statement, opened, for ReadAsync; null until OpenAsync (or after ReadAsync took it).
    private OpenedRows? _opened;

    /// <summary>
    /// Creates the table if missing and compares it with the state (<see cref="SnapshotCheck"/>). When they differ, a run
    /// rebuilds it from the state and returns true; a plan, which writes nothing, returns false and reads as a diff
    /// without a snapshot does. While the state is streamed for the check (in the state store, on this core), the diff's
    /// statement runs in the warehouse (on the other): at a million keys each took about 0.9 s, one after the other. Its
    /// rows are read only when the check found the snapshot as the state has it; otherwise it read the snapshot before
    /// its repair, and is closed unread (its work lost, its error only logged). It is not run ahead when the snapshot's
    /// count already differs from the keys the state held at the run's start (an empty snapshot, one behind).
    /// </summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        var check = new SnapshotCheck(context, _sql, writer);
        var snapshot = await check.ReadSnapshotSideAsync(cancellationToken);
        if (snapshot.Count != context.Saved.Held)
        {
            return await check.SettleAsync(snapshot, await check.ReadStateSideAsync(cancellationToken), cancellationToken);
        }

        var opening = Task.Run(() => OpenStatementAsync(cancellationToken), cancellationToken);
        var state = await ReadStateBesideAsync(check, opening, cancellationToken);
        if (snapshot == state)
        {
            _opening = opening;
            return true;
        }

        await CloseAsync(opening, error => context.Log.SnapshotDiffRunAhead(context.Sync.Name, _sql.Table, error), cancellationToken);
        return await check.SettleAsync(snapshot, state, cancellationToken);
    }

    /// <summary>
    /// After <see cref="PrepareAsync"/> returned true: the diff's statement run until its first row (the one run ahead,
    /// or run now). False when the warehouse ran out of resources for it (<see cref="WarehouseException.OutOfResources"/>),
    /// e.g. DuckDB out of memory joining and sorting a million rows that all changed (after an edit of the sync's fields
    /// every row hash moves): the snapshot only filters, so the run then diffs without it, with the same changes, rather
    /// than failing every run until the memory limit is raised. Any other error (in the model or its data) is the run's,
    /// rather than the model run a second time to fail alike.
    /// </summary>
    public async Task<bool> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            _opened = await (Interlocked.Exchange(ref _opening, null) ?? OpenStatementAsync(cancellationToken));
            return true;
        }
        catch (WarehouseException ex) when (ex.OutOfResources && !cancellationToken.IsCancellationRequested)
        {
            context.Log.SnapshotDiffFailed(context.Sync.Name, _sql.Table, ProbeQuery.WithoutValues(ex.Message));
            return false;
        }
    }

    /// <summary>Closes the diff's statement if it was run and never read (a read that ended before it began).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _opening, null) is { } opening)
        {
            await CloseAsync(opening, error => context.Log.SnapshotDiffRunAhead(context.Sync.Name, _sql.Table, error), CancellationToken.None);
        }

        if (Interlocked.Exchange(ref _opened, null) is { } opened)
        {
            await opened.DisposeAsync();
        }
    }

    // The diff's statement (after looking for duplicated keys), run until its first row.
    private async Task<OpenedRows> OpenStatementAsync(CancellationToken cancellationToken)
    {
        var query = new WarehouseQuery(_sql.Diff(context.Model, context.Sync, await DuplicatesAsync(cancellationToken)), context.QueryTag);
        return await OpenedRows.OpenAsync(context.Warehouse, query, cancellationToken);
    }

    // The state's side of the check. When it cannot be read, the statement is let finish and closed before the state's
    // error is thrown; an error of the statement's own then is logged, as the state's is the run's.
    private async Task<(long Count, BigInteger Sum)> ReadStateBesideAsync(SnapshotCheck check, Task<OpenedRows> opening, CancellationToken cancellationToken)
    {
        try
        {
            return await check.ReadStateSideAsync(cancellationToken);
        }
        catch (Exception stateError)
        {
            await CloseAsync(opening, error => context.Log.SnapshotDiffNotRead(context.Sync.Name, _sql.Table, error, stateError.Message), cancellationToken);
            throw;
        }
    }

    // Closes a statement whose rows will not be read. Its failure is not the run's (the snapshot it read is repaired and
    // the statement run again, or the state's error is thrown): it is logged. A stop of the run is not caught.
    private static async Task CloseAsync(Task<OpenedRows> opening, Action<string> logFailure, CancellationToken cancellationToken)
    {
        try
        {
            await (await opening).DisposeAsync();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logFailure(ex.Message);
        }
    }
}
