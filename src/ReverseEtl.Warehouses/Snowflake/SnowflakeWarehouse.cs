using System.Net;
using System.Runtime.CompilerServices;
using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Snowflake through its SQL API v2. A statement is submitted with a fresh <c>requestId</c>, polled while it runs (202)
/// with a jittered backoff, and read partition by partition (later ones gzip), so rows stream. 429, 5xx and lost
/// connections are retried by the HTTP client's pipeline (<see cref="SnowflakeHttpPolicy"/>; a resubmitted statement
/// carries <c>retry=true</c>, so it never runs twice). A statement still running when the run is cancelled is
/// cancelled in Snowflake. Times are UTC and the sync names the statement's query_tag.
/// </summary>
public sealed partial class SnowflakeWarehouse : IWarehouse, IWarehouseDialect, IDisposable
{
    private readonly SnowflakeOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ISnowflakeApi _api;

    /// <param name="options">The connection.</param>
    /// <param name="time">Times the token and the polls.</param>
    /// <param name="network">The <c>snowflake</c> client's handler chain from <see cref="IHttpMessageHandlerFactory"/> (retries, then the network).</param>
    internal SnowflakeWarehouse(SnowflakeOptions options, TimeProvider time, HttpMessageHandler network)
    {
        (_options, _time) = (options, time);
        _http = new HttpClient(new SnowflakeAuthHandler(options, time) { InnerHandler = network })
        {
            BaseAddress = new Uri(options.BaseUrl.ToString().TrimEnd('/')),
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own timeout, in the pipeline
        };
        _api = RestService.For<ISnowflakeApi>(_http, new RefitSettings(new SystemTextJsonContentSerializer(SnowflakeJson.Options)));
    }

    public async Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statement = new SnowflakeStatement(query.Sql, _options.TimeoutSeconds, _options.Database, _options.Schema, _options.Warehouse, _options.Role,
            new Dictionary<string, string> { ["timezone"] = "UTC", ["query_tag"] = query.Tag });
        var submitted = await _api.SubmitAsync(Guid.NewGuid().ToString(), statement, cancellationToken);
        var result = await PollAsync(submitted, query.Tag, cancellationToken);
        return new Result(this, result, query.Tag);
    }

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Sql.ZeroRows.DescribeAsync(this, query, cancellationToken);

    public string RowHash(string rowName, string salt) => $"md5({Literal(salt)} || to_json(object_construct_keep_null({rowName}.*)))";

    /// <summary>
    /// As the standard literal, but a backslash in text is doubled: in a single-quoted Snowflake string it starts an
    /// escape (<c>'a\9'</c> reads as <c>a9</c>), so a key holding one was fetched as another key, or not at all.
    /// </summary>
    public string Literal(object? value) => value is string text
        ? $"'{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'"
        : Sql.StandardLiterals.Of(value);

    public string KeyText(string column) => $"collate(cast({column} as varchar), 'utf8')";

    public void Dispose() => _http.Dispose();

    // While the statement runs (202) its status is polled with backoff; any other answer but 200 ends the query.
    private async Task<SnowflakeAnswer> PollAsync(IApiResponse<SnowflakeAnswer> answer, string tag, CancellationToken cancellationToken)
    {
        var polls = 0;
        var handle = answer.Content?.StatementHandle;
        while (answer.StatusCode != HttpStatusCode.OK || answer.Content is null)
        {
            handle = answer.Content?.StatementHandle ?? handle;
            if (answer.StatusCode != HttpStatusCode.Accepted || handle is null)
            {
                throw SnowflakeErrors.Failure(answer, tag);
            }

            await WaitOrCancelAsync(handle, SnowflakeHttpPolicy.Backoff(polls++), cancellationToken);
            answer = await _api.GetAsync(handle, null, cancellationToken);
        }

        return answer.Content;
    }

    private async Task WaitOrCancelAsync(string handle, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _api.CancelAsync(handle, CancellationToken.None); // the statement stops with the run; its answer changes nothing
            throw;
        }
    }

    private async Task<List<List<System.Text.Json.JsonElement>>> PartitionAsync(string handle, int partition, string tag, CancellationToken cancellationToken)
    {
        var answer = await _api.GetAsync(handle, partition, cancellationToken);
        return answer.IsSuccessStatusCode && answer.Content?.Data is { } data ? data : throw SnowflakeErrors.Failure(answer, tag);
    }

    private sealed class Result(SnowflakeWarehouse owner, SnowflakeAnswer first, string tag) : IWarehouseResult
    {
        private readonly IReadOnlyList<SnowflakeColumn> _columns = first.ResultSetMetaData?.RowType ?? [];

        public IReadOnlyList<WarehouseColumn> Columns { get; } = (first.ResultSetMetaData?.RowType ?? []).Select(c => new WarehouseColumn(c.Name, c.Type.ToUpperInvariant())).ToList();

        public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var partitions = first.ResultSetMetaData?.PartitionInfo?.Count ?? 1;
            for (var partition = 0; partition < partitions; partition++)
            {
                var data = partition == 0 ? first.Data ?? [] : await owner.PartitionAsync(first.StatementHandle!, partition, tag, cancellationToken);
                foreach (var row in data)
                {
                    yield return row.Select((cell, i) => SnowflakeCells.Decode(cell, _columns[i])).ToArray();
                }
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
