namespace ReverseEtl.Abstractions;

/// <summary>
/// A request budget per credential kept where every replica of a deployment sees it (the PostgreSQL state), so that
/// replicas sharing a token share its vendor limit. Without one, each process paces its credentials on its own.
/// </summary>
public interface ICredentialBudget
{
    /// <summary>
    /// Takes <paramref name="permits"/> at once from the token bucket of <paramref name="credentialKey"/> (a hash, never
    /// the credential), or none: the answer's <see cref="BudgetGrant.Wait"/> then says when that many will be there.
    /// </summary>
    Task<BudgetGrant> TakeAsync(string credentialKey, BudgetBucket bucket, int permits, CancellationToken cancellationToken);
}

/// <summary>A token bucket: at most <see cref="Capacity"/> permits at once, refilled at <see cref="PerSecond"/>.</summary>
public readonly record struct BudgetBucket(double Capacity, double PerSecond);

/// <summary><see cref="Granted"/> permits (all those asked for, or 0); when 0, how long until they will be there.</summary>
public readonly record struct BudgetGrant(int Granted, TimeSpan Wait);
