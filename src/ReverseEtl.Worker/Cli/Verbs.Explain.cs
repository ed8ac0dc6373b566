using ReverseEtl.Abstractions.State;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary><c>explain --sync NAME --key KEY</c>: what a run would do now with one record, and why; nothing sent or written.</summary>
internal sealed partial class Verbs
{
    public async Task<int> ExplainAsync(string only, string key, CancellationToken cancellationToken)
    {
        if (await SelectAsync(only, cancellationToken) is not [var sync])
        {
            return InvalidDefinitions;
        }

        await using var runtime = loaded.CreateRuntime();
        var explained = await planner.ExplainAsync(runtime, sync, key, cancellationToken);
        cli.Output.WriteLine($"{sync.Name}, key {key}:");
        cli.Output.WriteLine($"  model now: {(explained.InModel ? "returns a row with this key" : "returns no row with this key")}");
        cli.Output.WriteLine($"  stored: {Stored(explained.Stored, (await state.LoadDestinationIdsAsync(sync.Name, [key], cancellationToken)).GetValueOrDefault(key))}");
        cli.Output.WriteLine($"  decision: {explained.Reason}");
        if (explained.Action is { } action)
        {
            cli.Output.WriteLine($"  would send ({action}): {explained.Body?.ToJsonString(Indented).Replace("\n", "\n  ", StringComparison.Ordinal) ?? "(a delete, by the stored destination id)"}");
        }

        await WriteOpenMattersAsync(sync.Name, key, cancellationToken);
        return Ok;
    }

    private static string Stored(RecordState? stored, string? destinationId) => stored is { } s
        ? $"payload hash {s.Hash:x16}, {(s.Matched ? "matching" : "not matching")}{(destinationId is null ? string.Empty : $", destination id {destinationId}")}"
        : "nothing (never delivered or recorded)";

    // What earlier runs left open for the key: a send of unknown outcome, a failure, the sync's held plans.
    private async Task WriteOpenMattersAsync(string sync, string key, CancellationToken cancellationToken)
    {
        if ((await state.LoadPendingAsync(sync, cancellationToken)).TryGetValue(key, out var pending))
        {
            cli.Output.WriteLine($"  unsure: an attempt at {pending.AttemptedAt:yyyy-MM-dd HH:mm:ss}Z has no known outcome; the next send asks the vendor first where it can");
        }

        var (failures, _) = await state.ListFailuresAsync(sync, int.MaxValue, cancellationToken);
        if (failures.FirstOrDefault(f => f.Key == key) is { } failure)
        {
            cli.Output.WriteLine($"  failing: {(failure.Parked ? "parked" : "retrying")}, {failure.Attempts} attempt(s), first {failure.FirstFailedAt:yyyy-MM-dd HH:mm:ss}Z, last {failure.LastFailedAt:yyyy-MM-dd HH:mm:ss}Z: {failure.Message}");
        }

        foreach (var held in await state.LoadHeldAsync(sync, cancellationToken))
        {
            cli.Output.WriteLine($"  the sync has a held plan (run {held.RunId}): {held.Reason}");
        }
    }
}
