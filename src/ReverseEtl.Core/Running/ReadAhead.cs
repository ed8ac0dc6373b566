using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Enumerates a stream on the thread pool, a batch ahead of its reader, so that reading and hashing the model and
/// reading the stored state use both cores while the diff merges them. The reader gets the items in their order and
/// the source's exception, if any, where the item after the last good one would have come.
/// </summary>
internal static class ReadAhead
{
    // Few: what waits here outlives gen0 (see ChangeSource.RowsAhead); 2 leaves the reader a batch of slack.
    private const int BatchesAhead = 2;

    public static async IAsyncEnumerable<T> Of<T>(IAsyncEnumerable<T> source, int batch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(source, batch, channel.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var items in channel.Reader.ReadAllAsync(cancellationToken))
            {
                foreach (var item in items)
                {
                    yield return item;
                }
            }
        }
        finally
        {
            // A reader that stops early (a failed send, a stop) stops the source, which ends the producer.
            await stop.CancelAsync();
            await producer;
        }
    }

    // Every exception goes to the reader through the channel: the producer itself never faults.
    private static async Task ProduceAsync<T>(IAsyncEnumerable<T> source, int batch, ChannelWriter<List<T>> writer, CancellationToken cancellationToken)
    {
        try
        {
            var items = new List<T>(batch);
            await foreach (var item in source.WithCancellation(cancellationToken))
            {
                items.Add(item);
                if (items.Count == batch)
                {
                    await writer.WriteAsync(items, cancellationToken);
                    items = new List<T>(batch);
                }
            }

            if (items.Count > 0)
            {
                await writer.WriteAsync(items, cancellationToken);
            }

            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.Complete(ex);
        }
    }
}
