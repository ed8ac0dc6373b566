using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Sql;

/// <summary>
/// <see cref="IWarehouse.DescribeAsync"/> for SQL warehouses: the query wrapped to return no row, so the warehouse
/// compiles it and reports its columns. The query starts on the wrapper's second line, so positions move up one line.
/// </summary>
internal static class ZeroRows
{
    public static async Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(IWarehouse warehouse, WarehouseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var wrapped = query with { Sql = $"select * from (\n{query.Sql.Trim().TrimEnd(';')}\n) as retl_describe__ where 1 = 0" };
        try
        {
            await using var result = await warehouse.QueryAsync(wrapped, cancellationToken);
            return result.Columns;
        }
        catch (WarehouseException ex) when (ex.Line is not null)
        {
            var inQuery = ex.Line > 1;
            throw new WarehouseException(ex.Message, ex) { Line = inQuery ? ex.Line - 1 : null, Column = inQuery ? ex.Column : null };
        }
    }
}
