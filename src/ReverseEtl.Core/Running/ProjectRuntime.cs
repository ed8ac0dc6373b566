using System.Collections.Concurrent;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>
/// A loaded project with its warehouses and destinations, created once per connection on first use and disposed with
/// it (connection pools, HTTP clients, keys).
/// </summary>
public sealed class ProjectRuntime(ProjectDefinition project, ConnectorCatalog catalog) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IWarehouse> _warehouses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IDestination> _destinations = new(StringComparer.Ordinal);

    public ProjectDefinition Project => project;

    /// <summary>Columns whose type changed since the last run are accepted (and saved) instead of stopping the sync.</summary>
    public bool AcceptSchemaChanges { get; init; }

    public IWarehouse Warehouse(string connection) => _warehouses.GetOrAdd(connection, name =>
    {
        var settings = project.Connections[name].Settings;
        return catalog.Warehouse(settings.Type)!.Create(settings);
    });

    public IDestination Destination(string connection) => _destinations.GetOrAdd(connection, name =>
    {
        var settings = project.Connections[name].Settings;
        return catalog.Destination(settings.Type)!.Create(settings);
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var created in _warehouses.Values.Cast<object>().Concat(_destinations.Values))
        {
            switch (created)
            {
                case IAsyncDisposable async:
                    await async.DisposeAsync();
                    break;
                case IDisposable sync:
                    sync.Dispose();
                    break;
            }
        }
    }

    public int MaxBatchSize(SyncDefinition sync)
    {
        var type = project.Connections[sync.Destination].Settings.Type;
        var cap = catalog.Destination(type)!.Capabilities.MaxBatchSize;
        return Math.Clamp(sync.BatchSize ?? cap, 1, cap);
    }
}
