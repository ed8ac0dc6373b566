using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Writes for the in-warehouse snapshot through the SQL API, one statement per request (the API's own way; a failure
/// leaves the earlier statements done, which the snapshot's start-of-run check finds and repairs).
/// </summary>
public sealed partial class SnowflakeWarehouse : IWarehouseWriter
{
    public string? SnapshotSchema => _options.SnapshotSchema;

    public async Task ExecuteAsync(IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        foreach (var statement in statements)
        {
            await using var result = await QueryAsync(new WarehouseQuery(statement, tag), cancellationToken);
        }
    }
}
