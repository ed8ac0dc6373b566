using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

internal static class SnowflakeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}

/// <summary>Snowflake's failures as messages that name the sync, the code, the SQL state and Snowflake's words.</summary>
internal static class SnowflakeErrors
{
    public static WarehouseException Failure(IApiResponse<SnowflakeAnswer> answer, string tag)
    {
        if (!answer.IsReceived)
        {
            var cause = answer.Error?.InnerException ?? answer.Error;
            return new WarehouseException($"Snowflake could not be reached for {tag} ({cause?.GetType().Name}: {cause?.Message})", answer.Error!);
        }

        var body = answer.Content ?? Parse((answer.Error as ApiException)?.Content);
        var what = (int)answer.StatusCode! switch
        {
            401 => "refused the credentials",
            408 => "stopped the query at its timeout",
            422 => "rejected the query",
            429 => "is still throttling after retries",
            var status => $"answered HTTP {status}",
        };
        return new WarehouseException($"Snowflake {what} for {tag}: {body?.Code} ({body?.SqlState}): {body?.Message}");
    }

    private static SnowflakeAnswer? Parse(string? content)
    {
        try
        {
            return string.IsNullOrWhiteSpace(content) ? null : JsonSerializer.Deserialize<SnowflakeAnswer>(content, SnowflakeJson.Options);
        }
        catch (JsonException)
        {
            return new SnowflakeAnswer(null, null, content is null ? null : content[..Math.Min(content.Length, 300)], null, null, null, null);
        }
    }
}

/// <summary>
/// Adds the headers every SQL API request needs: the bearer token (a key-pair JWT, renewed before it expires and once
/// on 401), its type, JSON Accept and a User-Agent.
/// </summary>
internal sealed class SnowflakeAuthHandler(SnowflakeOptions options, TimeProvider time) : DelegatingHandler
{
    private readonly SnowflakeKeyPairToken? _jwt = options.PrivateKeyPath is null ? null : new SnowflakeKeyPairToken(options, time);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var response = await base.SendAsync(Sign(request, renew: false), cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || _jwt is null)
        {
            return response;
        }

        response.Dispose();
        var again = new HttpRequestMessage(request.Method, request.RequestUri) { Content = body is null ? null : new ByteArrayContent(body) };
        if (again.Content is not null)
        {
            again.Content.Headers.ContentType = request.Content!.Headers.ContentType;
        }

        return await base.SendAsync(Sign(again, renew: true), cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _jwt?.Dispose();
        }

        base.Dispose(disposing);
    }

    private HttpRequestMessage Sign(HttpRequestMessage request, bool renew)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _jwt?.Get(renew) ?? options.Token);
        request.Headers.Remove("X-Snowflake-Authorization-Token-Type");
        request.Headers.Add("X-Snowflake-Authorization-Token-Type", options.TokenType);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.ParseAdd("reverse-etl/1.0");
        return request;
    }
}
