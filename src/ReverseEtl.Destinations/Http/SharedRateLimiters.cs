using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// One pace per credential, shared by every connection and sync that uses it, for the life of the process. Given a
/// <see cref="ICredentialBudget"/> (the PostgreSQL state), the pace is a budget every replica shares; without one, a
/// an exact rolling window in this process (<see cref="RollingWindowLimiter"/>). The budget, when given, is owned (and disposed) by this.
/// </summary>
public sealed class SharedRateLimiters(TimeProvider time, ICredentialBudget? budget = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, CredentialPace> _paces = new(StringComparer.Ordinal);

    internal CredentialPace For(HttpConnection connection) =>
        _paces.GetOrAdd(connection.LimiterKey, static (_, state) => state.Self.Create(state.Connection), (Self: this, Connection: connection));

    /// <summary>The budget's key: the vendor and the credential, hashed (SHA-256, first 128 bits); the credential is never stored.</summary>
    public static string BudgetKey(HttpConnection connection) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"reverse-etl credential budget\n{connection.Policy.Vendor}\n{connection.CredentialKey}")).AsSpan(0, 16));

    public void Dispose()
    {
        foreach (var pace in _paces.Values)
        {
            pace.Dispose();
        }

        (budget as IDisposable)?.Dispose();
    }

    private CredentialPace Create(HttpConnection connection) => budget is null
        ? CredentialPace.InProcess(connection.RateLimit, time)
        : new CredentialPace(new SharedBudgetLimiter(budget, BudgetKey(connection), connection.RateLimit.Shared(), time), connection.RateLimit, time);
}
