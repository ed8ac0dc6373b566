using Microsoft.Extensions.Options;
using ReverseEtl.Worker.Hosting;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>The <c>health</c> verb: asks a running worker's <c>/healthz/ready</c> on <c>RETL_HEALTH_PORT</c> (the container's HEALTHCHECK).</summary>
internal sealed class HealthProbe(CliContext cli, IOptions<WorkerOptions> options)
{
    public async Task<int> AskAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.HealthPort;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz/ready"), cancellationToken);
            cli.Output.Write(await answer.Content.ReadAsStringAsync(cancellationToken));
            return answer.IsSuccessStatusCode ? Ok : SyncFailed;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            cli.Error.WriteLine($"No worker answered on port {port}: {ex.Message}");
            return SyncFailed;
        }
    }
}
