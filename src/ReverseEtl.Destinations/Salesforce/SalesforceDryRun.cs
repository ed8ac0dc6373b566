using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>What Salesforce answers on success, for the dry-run outbox: every record upserted or deleted, ids derived from the record.</summary>
internal static class SalesforceDryRun
{
    public static HttpResponseMessage Respond(HttpRequestMessage request, JsonElement? element)
    {
        if (request.Method == HttpMethod.Delete && !request.RequestUri!.AbsolutePath.Contains("/composite/", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.NoContent); // a delete by external id
        }

        var body = DryRunBody.Node(element);
        var results = new JsonArray();
        if (request.Method == HttpMethod.Delete)
        {
            var ids = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["ids"]?.Split(',') ?? [];
            ids.ToList().ForEach(id => results.Add(new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray() }));
        }

        foreach (var record in body?["records"]?.AsArray() ?? [])
        {
            var id = "001DRY" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(record!.ToJsonString())), 0, 6);
            results.Add(new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray(), ["created"] = true });
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(results.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
