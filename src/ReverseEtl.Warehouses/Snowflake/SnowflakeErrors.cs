using System.Text.Json;
using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

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
        var (line, column) = Sql.ErrorPosition.FromSnowflake(body?.Message);
        return new WarehouseException($"Snowflake {what} for {tag}: {body?.Code} ({body?.SqlState}): {body?.Message}")
        {
            Line = line,
            Column = column,
            OutOfResources = WarehouseException.IsResourceState(body?.SqlState),
        };
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
