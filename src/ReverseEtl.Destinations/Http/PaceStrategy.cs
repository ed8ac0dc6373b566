using Polly;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Waits for the credential's pace (and the request's own lanes, <see cref="VendorHttpPolicy.LanesAsync"/>) before each
/// attempt, holds the permits until the answer came, and passes on what the answer says of the quota (a pause until the
/// vendor's reset, its fixed window, a full rolling window) to every sync on the credential. It sits inside the retries
/// (every attempt counts against the vendor's limit) and outside the attempt timeout (waiting for a permit is not the
/// vendor being slow). A budget shared by replicas that cannot be read fails the call, naming the connection, before
/// anything is sent. A request still waiting when its run stops (<see cref="StopBeforeSending"/>) is not sent.
/// </summary>
internal sealed class PaceStrategy(CredentialPace pace, VendorHttpPolicy policy, TimeProvider time) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        IDisposable permits;
        var stop = StopBeforeSending.Token;
        using var waiting = stop.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stop) : null;
        try
        {
            var lanes = context.GetRequestMessage() is { } message ? await policy.LanesAsync(message).ConfigureAwait(context.ContinueOnCapturedContext) : [];
            permits = await pace.WaitAsync(lanes, waiting?.Token ?? context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            return Outcome.FromException<HttpResponseMessage>(new NotSentException()); // the run stopped while this waited: nothing was sent
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

        using (permits)
        {
            var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            if (outcome.Result is { } response && await policy.QuotaAsync(response, time).ConfigureAwait(context.ContinueOnCapturedContext) is { } quota)
            {
                pace.Observe(quota);
            }

            return outcome;
        }
    }
}
