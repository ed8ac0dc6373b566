using System.Text.Json.Nodes;

namespace ReverseEtl.Destinations.Http;

/// <summary>Where a dry run writes, and how it answers as the vendor would on success.</summary>
public sealed record DryRunTarget(string OutboxPath, Func<HttpRequestMessage, JsonNode?, HttpResponseMessage> Respond);
