namespace ReverseEtl.Destinations.Http;

/// <summary>Whether to retry a response, and after how long the vendor asked (null: our own backoff).</summary>
public sealed record RetryAdvice(bool Retry, TimeSpan? Delay)
{
    public static RetryAdvice No { get; } = new(false, null);
}
