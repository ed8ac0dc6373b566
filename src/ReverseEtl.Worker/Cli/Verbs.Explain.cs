using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running.RecordLog;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// <c>explain --sync NAME --key KEY</c>: what a run would do now with one record, and why, and what recent runs did
/// with it; nothing sent or written. Lines, or one JSON document with <c>--json</c>.
/// </summary>
internal sealed partial class Verbs
{
    public async Task<int> ExplainAsync(string only, string key, bool json, CancellationToken cancellationToken)
    {
        if (await SelectAsync(only, cancellationToken) is not [var sync])
        {
            return InvalidDefinitions;
        }

        await using var runtime = loaded.CreateRuntime();
        var explained = await planner.ExplainAsync(runtime, sync, key, cancellationToken);
        var destinationId = (await state.LoadDestinationIdsAsync(sync.Name, [key], cancellationToken)).GetValueOrDefault(key);
        var open = await OpenMattersAsync(sync.Name, key, cancellationToken);
        if (json)
        {
            return JsonOutput.Write(cli, new
            {
                Sync = sync.Name, explained.Key, explained.InModel, explained.Stored, DestinationId = destinationId, Decision = explained.Reason,
                explained.Action, explained.Body, Open = open, explained.RecentRuns,
            });
        }

        cli.Output.WriteLine($"{sync.Name}, key {key}:");
        cli.Output.WriteLine($"  model now: {(explained.InModel ? "returns a row with this key" : "returns no row with this key")}");
        cli.Output.WriteLine($"  stored: {Stored(explained.Stored, destinationId)}");
        cli.Output.WriteLine($"  decision: {explained.Reason}");
        if (explained.Action is { } action)
        {
            cli.Output.WriteLine($"  would send ({action}): {explained.Body?.ToJsonString(Indented).Replace("\n", "\n  ", StringComparison.Ordinal) ?? "(a delete, by the stored destination id)"}");
        }

        open.ForEach(line => cli.Output.WriteLine($"  {line}"));
        WriteRecentRuns(explained.RecentRuns);
        return Ok;
    }

    private static string Stored(RecordState? stored, string? destinationId) => stored is { } s
        ? $"payload hash {s.Hash:x16}, {(s.Matched ? "matching" : "not matching")}{(destinationId is null ? string.Empty : $", destination id {destinationId}")}"
        : "nothing (never delivered or recorded)";

    // What earlier runs left open for the key: a send of unknown outcome, a failure, the sync's held plans.
    private async Task<List<string>> OpenMattersAsync(string sync, string key, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        if ((await state.LoadPendingAsync(sync, cancellationToken)).TryGetValue(key, out var pending))
        {
            lines.Add($"unsure: an attempt at {pending.AttemptedAt:yyyy-MM-dd HH:mm:ss}Z has no known outcome; the next send asks the vendor first where it can");
        }

        var (failures, _) = await state.ListFailuresAsync(sync, int.MaxValue, cancellationToken);
        if (failures.FirstOrDefault(f => f.Key == key) is { } failure)
        {
            lines.Add($"failing: {(failure.Parked ? "parked" : "retrying")}, {failure.Attempts} attempt(s), first {failure.FirstFailedAt:yyyy-MM-dd HH:mm:ss}Z, last {failure.LastFailedAt:yyyy-MM-dd HH:mm:ss}Z: {failure.Message}");
        }

        lines.AddRange((await state.LoadHeldAsync(sync, cancellationToken)).Select(held => $"the sync has a held plan (run {held.RunId}): {held.Reason}"));
        return lines;
    }

    // The per-record log's entries for the key, newest first: run, time, request, decision, outcome, vendor id, payload.
    private void WriteRecentRuns(IReadOnlyList<RecentRun> runs)
    {
        if (runs.Count == 0)
        {
            cli.Output.WriteLine("  recent runs: none logged for this key (the per-record log keeps RETL_RECORD_LOG_DAYS days)");
            return;
        }

        cli.Output.WriteLine("  recent runs, newest first:");
        RecentRunLines.Of(runs, "    ").ToList().ForEach(cli.Output.WriteLine);
    }
}
