using System.Text;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Activation;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>Puts the page together. A warehouse that cannot give the activation view leaves the rest of the page standing, with the reason.</summary>
internal sealed partial class StatusPageRenderer(OperationsReader operations, ActivationCache activation, TimeProvider time, ILogger<StatusPageRenderer> logger)
{
    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        var syncs = await operations.ReadAsync(cancellationToken);
        var (report, problem) = await ActivationAsync(cancellationToken);
        var html = new StringBuilder(64 * 1024);
        StatusPageHtml.Begin(html, time.GetUtcNow());
        StatusPageHtml.Syncs(html, syncs);
        StatusPageHtml.Failures(html, syncs);
        ActivationHtml.Write(html, report, problem);
        StatusPageHtml.End(html);
        return html.ToString();
    }

    private async Task<(ActivationReport? Report, string? Problem)> ActivationAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await activation.GetAsync(cancellationToken), null);
        }
        catch (Exception ex) when (ex is WarehouseException or TimeoutException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? $"the warehouse did not answer within {ActivationCache.ReadTimeout.TotalSeconds:0} s" : ex.Message;
            LogActivationFailed(logger, ActivationReader.Model, reason);
            return (null, $"The activation view could not be read from the warehouse of the model {ActivationReader.Model}: {reason}");
        }
    }

    [LoggerMessage(3201, LogLevel.Warning, "The status page could not read the activation view through the connection of the model {Model}: {Reason}")]
    private static partial void LogActivationFailed(ILogger logger, string model, string reason);
}
