namespace ReverseEtl.Destinations.Http;

/// <summary>What a vendor's answer says of the credential's quota (<see cref="VendorHttpPolicy.QuotaAsync"/>); every sync on the credential follows it.</summary>
public sealed record VendorQuota
{
    /// <summary>Nothing goes on the credential before this (a <c>Retry-After</c>, a window reset with nothing left in it).</summary>
    public DateTimeOffset? PauseUntil { get; init; }

    /// <summary>The vendor's fixed window: requests allowed in each, those left in the current one, and when it ends.</summary>
    public (int Limit, int Remaining, DateTimeOffset Reset)? Window { get; init; }

    /// <summary>The vendor's rolling window is full (HubSpot's 429 <c>TEN_SECONDLY_ROLLING</c>): wait for the oldest answer to leave it.</summary>
    public bool WindowFull { get; init; }
}

/// <summary>A limit of its own that some requests keep besides the credential's (Slack: one post a second per channel).</summary>
/// <param name="Key">Names the lane within the credential, e.g. <c>chat.postMessage C0123</c>.</param>
/// <param name="Limit">The lane's pace.</param>
public sealed record PaceLane(string Key, RateLimit Limit);
