using System.Text.Json.Nodes;
using WireMock;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>WireMock answers with JSON bodies, fixed or computed from the request's JSON body.</summary>
internal static class WireMockJson
{
    public static IResponseBuilder Fixed(int status, string json) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(json);

    public static IResponseBuilder From(int status, Func<JsonNode?, JsonNode> answer) =>
        Response.Create().WithCallback(request => new ResponseMessage
        {
            StatusCode = status,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData
            {
                BodyAsString = answer(string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body)).ToJsonString(),
                DetectedBodyType = BodyType.String,
            },
        });
}
