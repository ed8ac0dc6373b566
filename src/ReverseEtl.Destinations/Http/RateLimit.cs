namespace ReverseEtl.Destinations.Http;

/// <summary>At most <see cref="Requests"/> requests per <see cref="Window"/> on one credential, across every sync.</summary>
public sealed record RateLimit(int Requests, TimeSpan Window);
