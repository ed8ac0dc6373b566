using System.Net;
using Polly;
using Polly.Timeout;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Puts each attempt through the connection's <see cref="ConnectionCircuit"/>: an open circuit fails the attempt at once
/// with a <see cref="DestinationException"/> that says why and until when (the retries do not repeat it); otherwise the
/// attempt's outcome is counted. It sits inside the retries, so that every attempt counts, and outside the pace.
/// </summary>
internal sealed class ConnectionCircuitStrategy(ConnectionCircuit circuit, HttpConnection connection) : ResilienceStrategy<HttpResponseMessage>
{
    /// <summary>How many attempts the call has made so far, for messages.</summary>
    public static readonly ResiliencePropertyKey<int> Attempts = new("reverse-etl.attempts");

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        if (circuit.Refusal(Who(connection, context)) is { } refusal)
        {
            return Outcome.FromException<HttpResponseMessage>(new DestinationException(refusal));
        }

        context.Properties.Set(Attempts, context.Properties.GetValue(Attempts, 0) + 1);
        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch
        {
            circuit.Abandoned(); // a trial call that threw must not leave the circuit waiting for it
            throw;
        }

        switch (outcome)
        {
            case { Exception: TimeoutRejectedException }:
                circuit.Failed(NoAnswer(connection), timedOut: true);
                break;
            case { Exception: HttpRequestException failure }:
                circuit.Failed(failure.Message, timedOut: false);
                break;
            case { Result.StatusCode: >= HttpStatusCode.InternalServerError and var status }:
                circuit.Failed($"HTTP {(int)status}", timedOut: false);
                break;
            case { Exception: not null }:
                circuit.Abandoned();
                break;
            default:
                circuit.Answered();
                break;
        }

        return outcome;
    }

    /// <summary>The connection and the host it calls, as messages name them: <c>Slack connection 'slack' (slack.com)</c>.</summary>
    public static string Who(HttpConnection connection, ResilienceContext context) =>
        $"{connection.Policy.Title} connection '{connection.Connection}' ({context.GetRequestMessage()?.RequestUri?.Authority ?? "no host"})";

    /// <summary>What a timed-out attempt is called in messages.</summary>
    public static string NoAnswer(HttpConnection connection) => $"no answer within {connection.AttemptTimeout.TotalSeconds:0.#} s";
}
