using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>At most <see cref="Requests"/> requests per <see cref="Window"/> on one credential, across every sync.</summary>
public sealed record RateLimit(int Requests, TimeSpan Window)
{
    /// <summary>
    /// How this limit is kept in a budget shared by replicas: permits are taken <see cref="BudgetShape.Lease"/> at a time
    /// and a lease not used within <see cref="BudgetShape.LeaseLife"/> is dropped. A permit is used at most LeaseLife
    /// (plus a round trip) after the bucket gave it, so the requests in any rolling window come from grants within
    /// Window + 2 × LeaseLife, at most Capacity + PerSecond × (Window + 2 × LeaseLife) = <see cref="Requests"/>.
    /// </summary>
    public BudgetShape Shared()
    {
        var lease = Math.Clamp(Requests / 20, 1, 10);
        var life = TimeSpan.FromTicks(Math.Min(Window.Ticks / 20, TimeSpan.TicksPerSecond));
        var perSecond = (Requests - lease) / (Window + 2 * life).TotalSeconds;
        return new BudgetShape(lease, life, new BudgetBucket(lease, Requests > lease ? perSecond : Requests / (Window + 2 * life).TotalSeconds));
    }
}

/// <summary>A <see cref="RateLimit"/> as a shared token bucket, taken from <see cref="Lease"/> permits at a time.</summary>
public sealed record BudgetShape(int Lease, TimeSpan LeaseLife, BudgetBucket Bucket);
