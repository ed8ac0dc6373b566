using System.Threading.RateLimiting;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A credential's pace kept in a budget every replica shares (<see cref="ICredentialBudget"/>): permits come in leases
/// of a few, one round trip each; a lease left unused for its life is dropped, and when the budget is spent the limiter
/// waits (on the <see cref="TimeProvider"/>) as long as the budget says. Callers queue in order, one lease taken at a time.
/// </summary>
public sealed class SharedBudgetLimiter(ICredentialBudget budget, string credentialKey, BudgetShape shape, TimeProvider time) : RateLimiter
{
    private static readonly TimeSpan LeastWait = TimeSpan.FromMilliseconds(5);
    private readonly SemaphoreSlim _taking = new(1, 1);
    private readonly Lock _gate = new();
    private int _permits;
    private DateTimeOffset _expires;

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = time.GetUtcNow() < _expires ? _permits : 0 };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => TryTakeHere(permitCount) ? Lease.Acquired : Lease.Refused;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, shape.Lease);
        while (!TryTakeHere(permitCount))
        {
            await _taking.WaitAsync(cancellationToken);
            try
            {
                if (!TryTakeHere(permitCount))
                {
                    await TakeLeaseAsync(cancellationToken);
                }
                else
                {
                    return Lease.Acquired;
                }
            }
            finally
            {
                _taking.Release();
            }
        }

        return Lease.Acquired;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _taking.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task TakeLeaseAsync(CancellationToken cancellationToken)
    {
        var grant = await budget.TakeAsync(credentialKey, shape.Bucket, shape.Lease, cancellationToken);
        if (grant.Granted > 0)
        {
            lock (_gate)
            {
                (_permits, _expires) = (grant.Granted, time.GetUtcNow() + shape.LeaseLife);
            }

            return;
        }

        await Task.Delay(grant.Wait > LeastWait ? grant.Wait : LeastWait, time, cancellationToken);
    }

    private bool TryTakeHere(int permitCount)
    {
        lock (_gate)
        {
            if (_permits < permitCount || time.GetUtcNow() >= _expires)
            {
                return permitCount == 0;
            }

            _permits -= permitCount;
            return true;
        }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
