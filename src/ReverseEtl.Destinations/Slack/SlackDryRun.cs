using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// What Slack answers on success, for the dry-run outbox: deterministic user and DM ids derived from the request, and an
/// empty history (so a record of unknown outcome is looked for, not found, and posted to the outbox again).
/// </summary>
internal static class SlackDryRun
{
    private static long _sequence;

    public static HttpResponseMessage Respond(HttpRequestMessage request, JsonElement? element)
    {
        var body = DryRunBody.Node(element);
        var method = request.RequestUri!.AbsolutePath.Split('/')[^1];
        JsonObject answer = method switch
        {
            "users.lookupByEmail" => new() { ["ok"] = true, ["user"] = new JsonObject { ["id"] = "U" + Code(request.RequestUri.Query) } },
            "conversations.open" => new() { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + Code(body?["users"]?.GetValue<string>() ?? string.Empty) } },
            "conversations.history" => new() { ["ok"] = true, ["messages"] = new JsonArray(), ["has_more"] = false },
            "conversations.list" => new() { ["ok"] = true, ["channels"] = new JsonArray(), ["response_metadata"] = new JsonObject { ["next_cursor"] = string.Empty } },
            "chat.postMessage" => new() { ["ok"] = true, ["channel"] = body?["channel"]?.GetValue<string>(), ["ts"] = $"dryrun.{Interlocked.Increment(ref _sequence):D6}" },
            _ => new() { ["ok"] = false, ["error"] = "unknown_method" },
        };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    /// <summary>A short id code made from <paramref name="text"/>: the same text always gives the same code.</summary>
    public static string Code(string text) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 5);
}
