using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>Sorts Slack's <c>ok:false</c> error codes into whole-batch, retryable and permanent failures.</summary>
internal static class SlackErrors
{
    private static readonly HashSet<string> Credentials = new(StringComparer.Ordinal)
    {
        "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "missing_scope", "no_permission", "not_allowed_token_type",
    };

    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "ratelimited", "internal_error", "service_unavailable", "request_timeout",
    };

    /// <summary>Throws for credential errors (every record would fail the same way); otherwise a failed outcome.</summary>
    public static RecordOutcome Classify(string connection, string method, string? error)
    {
        var code = error ?? "unknown_error";
        if (Credentials.Contains(code))
        {
            throw new DestinationException($"Slack connection '{connection}': {method} was refused with '{code}' (the bot token needs the scopes chat:write, users:read.email and im:write)").Refused();
        }

        // fatal_error may have posted the message anyway: retrying could post it twice, so it is not retried.
        return Transient.Contains(code)
            ? RecordOutcome.Retryable($"{method}: {code}")
            : RecordOutcome.Permanent($"{method}: {code}");
    }
}
