using System.Diagnostics;
using Polly.Telemetry;
using ReverseEtl.Abstractions.Telemetry;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Joins Polly's own telemetry to the trace: each resilience event (<c>OnRetry</c>, <c>OnTimeout</c>, a circuit opening)
/// becomes an event on the current span (the batch's), tagged as Polly tags its metrics (<c>pipeline.name</c>,
/// <c>pipeline.instance</c>: the connection, <c>strategy.name</c>) with the HTTP status or the error's type.
/// </summary>
internal sealed class ResilienceSpanEvents : TelemetryListener
{
    public static readonly ResilienceSpanEvents Instance = new();

    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        if (Activity.Current is not { IsAllDataRequested: true } span || !args.Event.EventName.StartsWith("On", StringComparison.Ordinal))
        {
            return; // attempts and pipeline executions are in Polly's metrics; the span gets what changed the course of the call
        }

        var tags = new ActivityTagsCollection
        {
            ["pipeline.name"] = args.Source.PipelineName,
            ["pipeline.instance"] = args.Source.PipelineInstanceName,
            ["strategy.name"] = args.Source.StrategyName,
        };
        switch (args.Outcome)
        {
            case { Result: HttpResponseMessage response }:
                tags[ReverseEtlTelemetry.HttpStatusCode] = (int)response.StatusCode;
                break;
            case { Exception: { } exception }:
                tags[ReverseEtlTelemetry.ErrorType] = exception.GetType().FullName;
                break;
        }

        span.AddEvent(new ActivityEvent(args.Event.EventName, tags: tags));
    }
}
