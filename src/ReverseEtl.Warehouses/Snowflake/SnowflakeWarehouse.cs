using System.Net;
using System.Runtime.CompilerServices;
using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Snowflake through its SQL API v2. A statement is submitted with a fresh <c>requestId</c> (resubmitted with
/// <c>retry=true</c> after a 5xx or a lost connection, so it never runs twice), polled while it runs (202, or 429) with
/// a jittered backoff, and read partition by partition (later ones gzip), so rows stream. A statement still running
/// when the run is cancelled is cancelled in Snowflake. Times are UTC and the sync names the statement's query_tag.
/// </summary>
public sealed class SnowflakeWarehouse : IWarehouse, IWarehouseDialect, IDisposable
{
    private const int Resubmits = 3;
    private readonly SnowflakeOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ISnowflakeApi _api;

    public SnowflakeWarehouse(SnowflakeOptions options, TimeProvider time)
    {
        (_options, _time) = (options, time);
        var transport = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.GZip, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(new SnowflakeAuthHandler(options, time) { InnerHandler = transport })
        {
            BaseAddress = new Uri(options.BaseUrl.ToString().TrimEnd('/')),
            Timeout = TimeSpan.FromMinutes(5),
        };
        _api = RestService.For<ISnowflakeApi>(_http, new RefitSettings(new SystemTextJsonContentSerializer(SnowflakeJson.Options)));
    }

    public async Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statement = new SnowflakeStatement(query.Sql, _options.TimeoutSeconds, _options.Database, _options.Schema, _options.Warehouse, _options.Role,
            new Dictionary<string, string> { ["timezone"] = "UTC", ["query_tag"] = query.Tag });
        var submitted = await SubmitAsync(Guid.NewGuid().ToString(), statement, cancellationToken);
        var result = await PollAsync(submitted, query.Tag, cancellationToken);
        return new Result(this, result, query.Tag);
    }

    public string RowHash(string rowName) => $"md5(to_json(object_construct_keep_null({rowName}.*)))";

    public string Literal(object? value) => Sql.StandardLiterals.Of(value);

    public void Dispose() => _http.Dispose();

    // 5xx, 429 and lost connections resubmit with the same requestId and retry=true: Snowflake runs a statement once.
    private async Task<IApiResponse<SnowflakeAnswer>> SubmitAsync(string requestId, SnowflakeStatement statement, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var answer = await _api.SubmitAsync(requestId, attempt == 0 ? null : true, statement, cancellationToken);
            if (!IsTransient(answer) || attempt == Resubmits)
            {
                return answer;
            }

            await Task.Delay(Backoff(attempt), _time, cancellationToken);
        }
    }

    // While the statement runs (202) the status is polled with backoff; 429, 5xx and lost connections a few times more.
    private async Task<SnowflakeAnswer> PollAsync(IApiResponse<SnowflakeAnswer> answer, string tag, CancellationToken cancellationToken)
    {
        var (polls, failures) = (0, 0);
        var handle = answer.Content?.StatementHandle;
        while (true)
        {
            if (answer.StatusCode == HttpStatusCode.OK && answer.Content is { } result)
            {
                return result;
            }

            handle = answer.Content?.StatementHandle ?? handle;
            var waiting = answer.StatusCode == HttpStatusCode.Accepted;
            failures = waiting ? 0 : failures + 1;
            if (handle is null || (!waiting && (!IsTransient(answer) || failures > Resubmits)))
            {
                throw SnowflakeErrors.Failure(answer, tag);
            }

            await WaitOrCancelAsync(handle, Backoff(polls++), cancellationToken);
            answer = await _api.GetAsync(handle, null, cancellationToken);
        }
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

    private static bool IsTransient(IApiResponse answer) =>
        !answer.IsReceived || answer.StatusCode == HttpStatusCode.TooManyRequests || (int)answer.StatusCode! >= 500;

    private async Task<List<List<System.Text.Json.JsonElement>>> PartitionAsync(string handle, int partition, string tag, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var answer = await _api.GetAsync(handle, partition, cancellationToken);
            if (answer.IsSuccessStatusCode && answer.Content?.Data is { } data)
            {
                return data;
            }

            if (attempt == Resubmits || (answer.IsReceived && answer.StatusCode != HttpStatusCode.TooManyRequests && (int)answer.StatusCode! < 500))
            {
                throw SnowflakeErrors.Failure(answer, tag);
            }

            await Task.Delay(Backoff(attempt), _time, cancellationToken);
        }
    }

    // 0.5 s, ×1.5 each time, at most 5 s, with up to 20% jitter.
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(5_000, 500 * Math.Pow(1.5, attempt)) * (1 + (Random.Shared.NextDouble() * 0.2)));

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
