using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Snowflake's SQL API v2 (/api/v2/statements): submit, poll or fetch a partition, cancel. A resubmission's
/// <c>retry=true</c> is added by the client's resilience pipeline (<see cref="SnowflakeHttpPolicy"/>).
/// </summary>
internal interface ISnowflakeApi
{
    [Post("/api/v2/statements")]
    Task<IApiResponse<SnowflakeAnswer>> SubmitAsync([Query] string requestId, [Body] SnowflakeStatement statement, CancellationToken cancellationToken);

    [Get("/api/v2/statements/{handle}")]
    Task<IApiResponse<SnowflakeAnswer>> GetAsync(string handle, [Query] int? partition, CancellationToken cancellationToken);

    [Post("/api/v2/statements/{handle}/cancel")]
    Task<IApiResponse<SnowflakeAnswer>> CancelAsync(string handle, CancellationToken cancellationToken);
}

/// <summary>The submit body: the statement, its context and session parameters (UTC, a query tag naming the sync).</summary>
internal sealed record SnowflakeStatement(
    string Statement, long Timeout, string? Database, string? Schema, string? Warehouse, string? Role, IReadOnlyDictionary<string, string> Parameters);

/// <summary>Every answer's shape at once: a ResultSet (200), a QueryStatus (202) or a failure (408, 422), or a later partition's data only.</summary>
internal sealed record SnowflakeAnswer(
    string? Code,
    string? SqlState,
    string? Message,
    string? StatementHandle,
    string? StatementStatusUrl,
    [property: JsonPropertyName("resultSetMetaData")] SnowflakeMetadata? ResultSetMetaData,
    List<List<JsonElement>>? Data);

internal sealed record SnowflakeMetadata(long? NumRows, IReadOnlyList<SnowflakeColumn> RowType, IReadOnlyList<JsonElement>? PartitionInfo);

internal sealed record SnowflakeColumn(string Name, string Type, int? Scale);
