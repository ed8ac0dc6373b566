using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running;

/// <summary>
/// A query's result with its first row already read, so that the warehouse has done the work it does before any row
/// comes (a join's build, a sort), e.g. beside other work on the other core; the rows are then read on from there.
/// </summary>
internal sealed class OpenedRows : IAsyncDisposable
{
    private readonly IWarehouseResult _result;
    private readonly IAsyncEnumerator<object?[]> _rows;
    private bool _more;

    private OpenedRows(IWarehouseResult result, IAsyncEnumerator<object?[]> rows, bool more) => (_result, _rows, _more) = (result, rows, more);

    public IReadOnlyList<WarehouseColumn> Columns => _result.Columns;

    public static async Task<OpenedRows> OpenAsync(IWarehouse warehouse, WarehouseQuery query, CancellationToken cancellationToken)
    {
        var result = await warehouse.QueryAsync(query, cancellationToken);
        IAsyncEnumerator<object?[]>? rows = null;
        try
        {
            rows = result.ReadRowsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            return new OpenedRows(result, rows, await rows.MoveNextAsync());
        }
        catch
        {
            if (rows is not null)
            {
                await rows.DisposeAsync();
            }

            await result.DisposeAsync();
            throw;
        }
    }

    /// <summary>The rows, the first one included; enumerate once.</summary>
    public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (_more)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return _rows.Current;
            _more = await _rows.MoveNextAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _rows.DisposeAsync();
        }
        finally
        {
            await _result.DisposeAsync();
        }
    }
}
