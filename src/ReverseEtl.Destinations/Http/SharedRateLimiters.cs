using System.Collections.Concurrent;

namespace ReverseEtl.Destinations.Http;

/// <summary>One pace per credential, shared by every connection and sync that uses it, for the life of the process.</summary>
public sealed class SharedRateLimiters : IDisposable
{
    private readonly ConcurrentDictionary<string, CredentialPace> _paces = new(StringComparer.Ordinal);

    internal CredentialPace For(HttpConnection connection) =>
        _paces.GetOrAdd(connection.LimiterKey, static (_, limit) => new CredentialPace(limit), connection.RateLimit);

    public void Dispose()
    {
        foreach (var pace in _paces.Values)
        {
            pace.Dispose();
        }
    }
}
