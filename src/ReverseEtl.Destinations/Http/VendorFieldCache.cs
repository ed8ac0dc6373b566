namespace ReverseEtl.Destinations.Http;

/// <summary>
/// One connection's answers to "which fields does this object have" (HubSpot's property list, a Salesforce describe),
/// per object, kept for <see cref="Lifetime"/> so that a long-running worker asks the vendor at most once per object
/// per lifetime, however many runs check their fields before sending. Only answers are kept, never failures; two
/// runs asking at once share one call. A destination forgets an object's answer when it changes the object's fields.
/// </summary>
/// <typeparam name="T">The part of the answer the destination reads.</typeparam>
internal sealed class VendorFieldCache<T>(TimeProvider time, StringComparer objectNames) : IDisposable
    where T : class
{
    /// <summary>How long an answer is used: fields added in the vendor's UI are seen within this time.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, (T Answer, DateTimeOffset Until)> _answers = new(objectNames);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The answer for <paramref name="objectName"/>, asked with <paramref name="ask"/> if none is kept or it is older than <see cref="Lifetime"/>.</summary>
    public async Task<T> GetAsync(string objectName, Func<CancellationToken, Task<T>> ask, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_answers.TryGetValue(objectName, out var kept) && time.GetUtcNow() < kept.Until)
            {
                return kept.Answer;
            }

            var answer = await ask(cancellationToken);
            _answers[objectName] = (answer, time.GetUtcNow() + Lifetime);
            return answer;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops <paramref name="objectName"/>'s answer, so that the next check asks again (e.g. after creating fields).</summary>
    public void Forget(string objectName)
    {
        _gate.Wait();
        try
        {
            _answers.Remove(objectName);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
