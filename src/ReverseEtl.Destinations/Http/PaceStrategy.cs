using Polly;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Waits for the credential's pace before each attempt, and pauses the credential when the vendor's quota headers say
/// the budget is spent. It sits inside the retries (every attempt counts against the vendor's limit) and outside the
/// attempt timeout (waiting for a permit is not the vendor being slow). A budget shared by replicas that cannot be read
/// fails the call, naming the connection, before anything is sent.
/// </summary>
internal sealed class PaceStrategy(CredentialPace pace, VendorHttpPolicy policy, TimeProvider time) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        try
        {
            await pace.WaitAsync(time, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException ex)
        {
            return Outcome.FromException<HttpResponseMessage>(ex); // Polly strategies report, never throw
        }
        catch (DestinationException ex) when (context.GetRequestMessage() is { } request)
        {
            // The shared budget could not be read: nothing was sent; the message says which store and what to check.
            var who = ConnectionCircuitStrategy.Who(HttpConnection.Of(request), context);
            return Outcome.FromException<HttpResponseMessage>(new DestinationException($"{who}: {ex.Message}", ex));
        }

        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Result is { } response && policy.PauseUntil(response, time) is { } until)
        {
            pace.PauseUntil(until);
        }

        return outcome;
    }
}
