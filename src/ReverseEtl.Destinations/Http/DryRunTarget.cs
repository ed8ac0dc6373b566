using System.Text.Json;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Where a dry run writes, and how it answers as the vendor would on success: from the request and its body (a JSON
/// string when the body is not JSON; none without a body), an element of a document that lives only for the call.
/// </summary>
public sealed record DryRunTarget(string OutboxPath, Func<HttpRequestMessage, JsonElement?, HttpResponseMessage> Respond)
{
    private int _written;

    /// <summary>
    /// Called once, before the connection's first request is written: the dry run is announced when it writes, not
    /// when the destination is created (a <c>plan</c> creates it and writes nothing).
    /// </summary>
    public Action? FirstWrite { get; init; }

    internal void Writing()
    {
        if (Interlocked.Exchange(ref _written, 1) == 0)
        {
            FirstWrite?.Invoke();
        }
    }
}
