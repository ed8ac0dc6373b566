using ReverseEtl.Abstractions.State;
using ReverseEtl.State.Sqlite;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>The <c>status</c> verb: the last run of each sync, its failing records and held plans; lines or JSON.</summary>
internal sealed partial class Verbs
{
    public async Task<int> StatusAsync(bool json, CancellationToken cancellationToken)
    {
        if (state is SqliteSyncStateStore { Exists: false } sqlite)
        {
            return json ? JsonOutput.Write(cli, Array.Empty<object>())
                : Say($"No state yet: {sqlite.DatabasePath} does not exist, so no sync has run with this data folder (RETL_DATA_DIR). Nothing was created.");
        }

        await state.InitializeAsync(cancellationToken);
        var statuses = new List<(SyncStatus LastRun, IReadOnlyList<HeldPlan> HeldPlans)>();
        foreach (var s in await state.GetStatusAsync(cancellationToken))
        {
            statuses.Add((s, await state.LoadHeldAsync(s.Sync, cancellationToken)));
        }

        if (json)
        {
            return JsonOutput.Write(cli, statuses.Select(s => new { s.LastRun, s.HeldPlans }));
        }

        if (statuses.Count == 0)
        {
            cli.Output.WriteLine("No sync has run yet.");
        }

        statuses.ForEach(s => WriteStatus(s.LastRun, s.HeldPlans));
        return Ok;
    }

    private void WriteStatus(SyncStatus s, IReadOnlyList<HeldPlan> heldPlans)
    {
        cli.Output.WriteLine($"{s.Sync}: run {s.RunId} {s.Status} at {s.StartedAt:yyyy-MM-dd HH:mm:ss}Z{(s.Instance is null ? string.Empty : $" on {s.Instance}")}: {s.Counts}{(s.Error is null || s.Status == nameof(RunStatus.Held) ? string.Empty : $" — {s.Error}")}");
        if (s.FailingRecords > 0)
        {
            cli.Output.WriteLine($"  {s.FailingRecords} record(s) failing; latest: {s.LastFailure} (`failures --sync {s.Sync}` lists them)");
        }

        foreach (var held in heldPlans)
        {
            cli.Output.WriteLine($"  held by run {held.RunId}: {held.Reason}");
        }
    }

    private int Say(string line)
    {
        cli.Output.WriteLine(line);
        return Ok;
    }
}
