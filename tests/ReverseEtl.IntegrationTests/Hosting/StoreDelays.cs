namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// The moments a kill can land in at a loopback vendor (<see cref="IKilledVendor"/>): a write waits a random moment, is
/// stored, waits again and is answered; a kill in the first wait loses it, one in the second leaves it stored but
/// unanswered. Counts the writes that arrived and those in each wait.
/// </summary>
internal sealed class StoreDelays(int seed, int maxDelayMs) : IKilledVendor
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private int _received;
    private (int BeforeStore, int AfterStore) _inFlight;

    public int Received => Volatile.Read(ref _received);

    public (int BeforeStore, int AfterStore) InFlight { get { lock (_gate) { return _inFlight; } } }

    public void Arrived() => Interlocked.Increment(ref _received);

    /// <summary>Runs <paramref name="store"/> under <paramref name="storeLock"/> between the two waits.</summary>
    public async Task<T> StoredAsync<T>(object storeLock, Func<T> store)
    {
        Track(before: 1, after: 0);
        await Task.Delay(Delay());
        T stored;
        lock (storeLock)
        {
            stored = store();
        }

        Track(before: -1, after: 1);
        await Task.Delay(Delay());
        Track(before: 0, after: -1);
        return stored;
    }

    private int Delay()
    {
        lock (_gate)
        {
            return _random.Next(maxDelayMs + 1);
        }
    }

    private void Track(int before, int after)
    {
        lock (_gate)
        {
            _inFlight = (_inFlight.BeforeStore + before, _inFlight.AfterStore + after);
        }
    }
}
