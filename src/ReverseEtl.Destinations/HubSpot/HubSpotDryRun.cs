using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>What HubSpot answers on success, for the dry-run outbox: record ids derived from the id property's value.</summary>
internal static class HubSpotDryRun
{
    private const string At = "2025-05-20T08:00:00Z";

    public static HttpResponseMessage Respond(HttpRequestMessage request, JsonNode? body)
    {
        var path = request.RequestUri!.AbsolutePath;
        JsonObject? answer = path switch
        {
            _ when path.StartsWith("/crm/v3/properties/", StringComparison.Ordinal) => new() { ["results"] = new JsonArray() },
            _ when path.StartsWith("/crm/v4/associations/", StringComparison.Ordinal) => new() { ["status"] = "COMPLETE", ["results"] = new JsonArray(), ["startedAt"] = At, ["completedAt"] = At },
            _ when path.EndsWith("/batch/archive", StringComparison.Ordinal) => null,
            _ when path.EndsWith("/search", StringComparison.Ordinal) => new() { ["total"] = 0, ["results"] = new JsonArray() }, // finds nothing: records of unknown outcome are created again, in the outbox
            _ when path.EndsWith("/batch/read", StringComparison.Ordinal) => Results(body, readBy: body?["idProperty"]?.GetValue<string>()),
            _ when path.Contains("/batch/", StringComparison.Ordinal) => Results(body),
            _ => new() { ["status"] = "error", ["message"] = "the dry run does not know this call", ["category"] = "VALIDATION_ERROR" },
        };
        return answer is null
            ? new HttpResponseMessage(HttpStatusCode.NoContent)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    // A read finds every record asked for, and brings back the property it was read by.
    private static JsonObject Results(JsonNode? body, string? readBy = null)
    {
        var results = new JsonArray();
        foreach (var input in body?["inputs"]?.AsArray() ?? [])
        {
            var trace = input?["objectWriteTraceId"]?.GetValue<string>() ?? string.Empty;
            var id = input?["id"]?.GetValue<string>() ?? trace;
            results.Add(new JsonObject
            {
                ["id"] = "dry" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)), 0, 6),
                ["new"] = true,
                ["archived"] = false,
                ["createdAt"] = At,
                ["updatedAt"] = At,
                ["properties"] = readBy is null ? input?["properties"]?.DeepClone() : new JsonObject { [readBy] = id },
                ["objectWriteTraceId"] = trace,
            });
        }

        return new JsonObject { ["status"] = "COMPLETE", ["results"] = results, ["startedAt"] = At, ["completedAt"] = At };
    }
}
