using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary><c>plan --sync NAME --all | --key KEY</c>: current rows rendered as a first send would be; nothing sent or written.</summary>
internal sealed partial class Verbs
{
    public async Task<int> PreviewAsync(string? only, string? key, int limit, bool json, CancellationToken cancellationToken)
    {
        if (only is null)
        {
            cli.Error.WriteLine("plan --all and plan --key preview one sync: give --sync NAME.");
            return InvalidDefinitions;
        }

        if (await SelectAsync(only, cancellationToken) is not [var sync])
        {
            return InvalidDefinitions;
        }

        await using var runtime = loaded.CreateRuntime();
        var previews = await planner.PreviewAsync(runtime, sync, key, Math.Max(1, limit), cancellationToken);
        if (key is not null && previews.Count == 0)
        {
            cli.Error.WriteLine($"{sync.Name}: the model has no row with key '{key}' (or it was rejected: a null or duplicated key).");
            return SyncFailed;
        }

        if (json)
        {
            return JsonOutput.Write(cli, new { Sync = sync.Name, Rows = previews });
        }

        cli.Output.WriteLine($"{sync.Name}: {previews.Count} current row(s) rendered as a first send would be; nothing is sent or written");
        foreach (var preview in previews)
        {
            cli.Output.WriteLine(preview.Body is { } body
                ? $"  {preview.Key} ({preview.Action}): {body.ToJsonString(Indented).Replace("\n", "\n  ", StringComparison.Ordinal)}"
                : $"  {preview.Key}: {preview.Note}");
        }

        return Ok;
    }
}
