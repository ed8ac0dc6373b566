using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.State;

namespace ReverseEtl.Core.Running;

/// <summary>Reads a sync's model and diffs it against the sync's state: the part that <c>run</c> and <c>plan</c> share.</summary>
public static class ChangeSource
{
    /// <summary>Streams the sync's changes and rejections, counting rows read into <paramref name="counts"/>. A plan saves nothing.</summary>
    public static async IAsyncEnumerable<DiffEvent> ReadAsync(
        ProjectRuntime runtime,
        SyncDefinition sync,
        ISyncStateStore state,
        RunCounts counts,
        Action<long>? progress,
        bool planning,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = runtime.Project.Models[sync.Model];
        var previous = await state.LoadRecordsAsync(sync.Name, cancellationToken);
        counts.Held = previous.Count;
        var warehouse = runtime.Warehouse(model.Connection);
        if (sync.DiffInWarehouse)
        {
            var rows = new WarehouseRows(runtime, sync, model, warehouse, warehouse as IWarehouseDialect ?? throw NoDialect(sync, model), previous, state, counts, planning);
            await foreach (var item in DiffEngine.DiffAsync(rows.ReadAsync(cancellationToken), previous, cancellationToken))
            {
                foreach (var rehashed in rows.TakeRehashed())
                {
                    yield return rehashed;
                }

                yield return item;
            }

            foreach (var rehashed in rows.TakeRehashed())
            {
                yield return rehashed;
            }

            yield break;
        }

        await using var result = await warehouse.QueryAsync(new WarehouseQuery(ModelQuery.Build(model, sync), $"reverse-etl:{sync.Name}"), cancellationToken);
        var mapper = RowMapper.Create(sync, model, result.Columns);
        await SchemaGuard.CheckAsync(state, sync, model, mapper, save: !planning, accept: runtime.AcceptSchemaChanges, cancellationToken);
        var mapped = MapAsync(result.ReadRowsAsync(cancellationToken), mapper, counts, progress);
        await foreach (var item in DiffEngine.DiffAsync(mapped, previous, cancellationToken))
        {
            yield return item;
        }
    }

    private static SyncDefinitionException NoDialect(SyncDefinition sync, ModelDefinition model) =>
        new($"sync '{sync.Name}': 'diff: warehouse' needs a warehouse that can hash rows; connection '{model.Connection}' cannot, so use 'diff: worker'");

    /// <summary>What a change asks of the destination: a send (and why), or nothing but a state update.</summary>
    public static RecordAction? Decide(SyncDefinition sync, RowChange change)
    {
        if (change.Kind == ChangeKind.Removed)
        {
            return sync.Mode == SyncMode.Mirror ? RecordAction.Delete : null;
        }

        switch (sync.Mode)
        {
            case SyncMode.Upsert or SyncMode.UpdateOnly or SyncMode.Mirror:
                return change.Kind == ChangeKind.Added ? RecordAction.Enter : RecordAction.Change;
            case SyncMode.CreateOnly:
                return change.Kind == ChangeKind.Added ? RecordAction.Enter : null;
        }

        if (change.Entered && sync.Trigger.On.Contains(RecordAction.Enter))
        {
            return RecordAction.Enter;
        }

        return change.ChangedWhileMatching && sync.Trigger.On.Contains(RecordAction.Change) ? RecordAction.Change : null;
    }

    /// <summary>The state a change leaves behind when nothing is sent for it.</summary>
    public static StateUpdate Quiet(RowChange change) => change.Row is { } row
        ? new StateUpdate(change.Key, new RecordState(row.Hash, change.IsMatching, row.RowHash))
        : new StateUpdate(change.Key, null);

    public static void Count(RowChange change, RunCounts counts)
    {
        switch (change.Kind)
        {
            case ChangeKind.Added: counts.Added++; break;
            case ChangeKind.Changed: counts.Changed++; break;
            default: counts.Removed++; break;
        }
    }

    private static async IAsyncEnumerable<MappedRow> MapAsync(IAsyncEnumerable<object?[]> rows, RowMapper mapper, RunCounts counts, Action<long>? progress)
    {
        await foreach (var values in rows)
        {
            counts.RowsRead++;
            if (counts.RowsRead % 50_000 == 0)
            {
                progress?.Invoke(counts.RowsRead);
            }

            yield return mapper.Map(counts.RowsRead, values);
        }
    }
}
