using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Definitions;

/// <summary>The connectors registered in this process, by connection type.</summary>
public sealed class ConnectorCatalog(IEnumerable<IWarehouseConnector> warehouses, IEnumerable<IDestinationConnector> destinations)
{
    private readonly Dictionary<string, IWarehouseConnector> _warehouses = warehouses.ToDictionary(c => c.Type, StringComparer.Ordinal);
    private readonly Dictionary<string, IDestinationConnector> _destinations = destinations.ToDictionary(c => c.Type, StringComparer.Ordinal);

    public IReadOnlyCollection<string> DestinationTypes => _destinations.Keys;

    public IReadOnlyCollection<string> WarehouseTypes => _warehouses.Keys;

    public IWarehouseConnector? Warehouse(string type) => _warehouses.GetValueOrDefault(type);

    public IDestinationConnector? Destination(string type) => _destinations.GetValueOrDefault(type);
}
