using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>What Intercom answers on success, for the dry-run outbox: no contact is found, so each is created; ids derive from the request.</summary>
internal static class IntercomDryRun
{
    public static HttpResponseMessage Respond(HttpRequestMessage request, JsonElement? element)
    {
        var body = DryRunBody.Node(element);
        var path = request.RequestUri!.AbsolutePath;
        var post = request.Method == HttpMethod.Post;
        return path switch
        {
            _ when path.StartsWith("/contacts/find_by_external_id/", StringComparison.Ordinal) =>
                Answer(HttpStatusCode.NotFound, new JsonObject { ["type"] = "error.list", ["errors"] = new JsonArray(new JsonObject { ["code"] = "not_found", ["message"] = "User Not Found" }) }),
            "/events" => new HttpResponseMessage(HttpStatusCode.Accepted),
            "/data_attributes" when !post => Answer(HttpStatusCode.OK, new JsonObject { ["type"] = "list", ["data"] = new JsonArray() }),
            "/data_attributes" => Answer(HttpStatusCode.OK, new JsonObject { ["type"] = "data_attribute", ["name"] = body?["name"]?.DeepClone() }),
            "/contacts" => Object("contact", body?["external_id"]),
            "/companies" => Object("company", body?["company_id"]),
            "/tags" => Object("tag", body?["name"]),
            _ when path.EndsWith("/companies", StringComparison.Ordinal) => Object("company", body?["id"]),
            _ when path.EndsWith("/tags", StringComparison.Ordinal) => Object("tag", body?["id"]),
            _ => Object("contact", JsonValue.Create(path)),
        };
    }

    private static HttpResponseMessage Object(string type, JsonNode? key) =>
        Answer(HttpStatusCode.OK, new JsonObject { ["type"] = type, ["id"] = "dry" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key?.ToString() ?? type)), 0, 6).ToLowerInvariant() });

    private static HttpResponseMessage Answer(HttpStatusCode status, JsonObject body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
}
