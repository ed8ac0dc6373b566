using ReverseEtl.Core.Running.RecordLog;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary><c>history --sync NAME --key KEY</c>: what each recent run did with one record, from the per-record log; the model is not read.</summary>
internal sealed partial class RecordVerbs
{
    public async Task<int> RecordHistoryAsync(string sync, string key, int limit, bool json, CancellationToken cancellationToken)
    {
        if (!await KnownAsync(sync, cancellationToken))
        {
            return InvalidDefinitions;
        }

        var shown = Math.Max(1, limit);
        var runs = RecentRun.From(await state.LoadRecordLogAsync(sync, key, shown + 1, cancellationToken), shown);
        if (json)
        {
            return JsonOutput.Write(cli, new { Sync = sync, Key = key, Runs = runs });
        }

        cli.Output.WriteLine(runs.Count == 0
            ? $"{sync}: no run logged key {key} (the per-record log keeps RETL_RECORD_LOG_DAYS days)."
            : $"{sync}, key {key}: the latest {runs.Count} run(s) that decided about it, newest first:");
        RecentRunLines.Of(runs, "  ").ToList().ForEach(cli.Output.WriteLine);
        return Ok;
    }
}
