using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Running.Snapshot;

namespace ReverseEtl.Core.Checks;

/// <summary>
/// The live check of a warehouse connection's <c>snapshot: { schema }</c>, for a sync with <c>diff: warehouse</c>:
/// its table is created when missing, which proves the grant.
/// </summary>
internal static class SnapshotCheck
{
    public static async Task<IReadOnlyList<DefinitionError>> CheckAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken)
    {
        var connection = runtime.Project.Models[sync.Model].Connection;
        var warehouse = sync.DiffInWarehouse ? runtime.Warehouse(connection) : null;
        if (warehouse is not IWarehouseWriter { SnapshotSchema: { } schema } writer || warehouse is not IWarehouseDialect dialect)
        {
            return [];
        }

        try
        {
            await writer.ExecuteAsync([new SnapshotSql(dialect, schema, sync.Name).CreateFor(writer)], $"reverse-etl:{sync.Name}", cancellationToken);
            return [];
        }
        catch (WarehouseException ex)
        {
            return [sync.Source.Error("diff", $"connection '{connection}': snapshot.schema '{schema}': the table {schema}.retl_snapshot cannot be created ({ex.Message}); create the schema and let this connection's user create tables in it and write to them, or remove 'snapshot:' from the connection to diff without it")];
        }
    }
}
