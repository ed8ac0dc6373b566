using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>
/// A scripted warehouse of type <c>duckdb</c> that buckets keys (<see cref="IWarehouseBuckets"/>), its SQL functions
/// written as names the scripts can look for (<c>key_bucket(…)</c>); each script says what its queries answer.
/// </summary>
internal abstract class ScriptedBucketsWarehouse : IWarehouse, IWarehouseConnector, IWarehouseBuckets
{
    public string Type => "duckdb";

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) => [];

    public IWarehouse Create(ConnectionSettings connection) => this;

    public string RowHash(string rowName, string salt) => $"row_hash({rowName}, '{salt}')";

    public string Literal(object? value) => value is null ? "null" : $"'{value}'";

    public string KeyText(string column) => $"cast({column} as varchar)";

    public virtual bool InProcess => true; // as DuckDB

    public string KeyBucket(string keyText, int bits) => $"key_bucket({keyText}, {bits})";

    public string RowHashPart(string rowName, string salt) => $"row_hash_part({rowName}, '{salt}')";

    public string BucketableKey(string column) => "true";

    public abstract Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken);

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WarehouseColumn>>([new("id", "VARCHAR"), new("name", "VARCHAR")]);
}
