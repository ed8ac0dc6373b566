using System.Numerics;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running.Snapshot;

// The check before the diff, with the diff's statement run in the warehouse while the state is read for it.
internal sealed partial class SnapshotRows : IAsyncDisposable
{
    // The diff's statement, opened while the check read the state, for ReadAsync when the check found the snapshot as
    // the state has it; null when it must be run again (or after ReadAsync took it).
    private OpenedRows? _opened;

    /// <summary>
    /// Creates the table if missing and compares it with the state (<see cref="SnapshotCheck"/>). When they differ, a run
    /// rebuilds it from the state and returns true; a plan, which writes nothing, returns false and reads as a diff
    /// without a snapshot does. While the state is streamed for the check (in the state store, on this core), the diff's
    /// statement runs in the warehouse (on the other): at a million keys each took about 0.9 s, one after the other. Its
    /// rows are read only when the check found the snapshot as the state has it; otherwise it read the snapshot before
    /// its repair, and is closed unread (its work lost, as rarely as a snapshot differs).
    /// </summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        var check = new SnapshotCheck(context, _sql, writer);
        var snapshot = await check.ReadSnapshotSideAsync(cancellationToken);
        var opening = Task.Run(() => OpenAsync(cancellationToken), cancellationToken);
        var state = await ReadStateBesideAsync(check, opening, cancellationToken);
        if (snapshot == state)
        {
            _opened = await opening;
            return true;
        }

        await (await opening).DisposeAsync();
        return await check.SettleAsync(snapshot, state, cancellationToken);
    }

    /// <summary>Closes the diff's statement if it was opened and never read (a read that ended before it began).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _opened, null) is { } opened)
        {
            await opened.DisposeAsync();
        }
    }

    // The diff's statement (after looking for duplicated keys), run until its first row.
    private async Task<OpenedRows> OpenAsync(CancellationToken cancellationToken)
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
            try
            {
                await (await opening).DisposeAsync();
            }
            catch (Exception statementError) when (statementError is not OperationCanceledException)
            {
                context.Log.SnapshotDiffNotRead(context.Sync.Name, _sql.Table, statementError.Message, stateError.Message);
            }

            throw;
        }
    }
}
