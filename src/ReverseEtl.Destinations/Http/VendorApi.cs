namespace ReverseEtl.Destinations.Http;

/// <summary>A vendor's Refit client for one connection, and where its dry run writes (null when it sends for real).</summary>
public sealed record VendorApi<TApi>(TApi Api, string? DryRunOutboxPath);
