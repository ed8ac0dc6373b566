namespace ReverseEtl.Core.Running;

// A key of several columns, or of a type, whose text the warehouse cannot write as the worker does: rows bucketed by
// their row hash (ModelQuery.BuildRowHashBuckets), the state's alike, by the store where it sums them, else streamed here.
internal sealed partial class BucketCompare
{
    private bool _byRowHash = context.Model.PrimaryKey.Count > 1;

    private bool ByRowHash => _byRowHash;

    private string BucketsQuery(int bits) => ByRowHash
        ? ModelQuery.BuildRowHashBuckets(context.Model, context.Sync, dialect, bits)
        : ModelQuery.BuildBuckets(context.Model, context.Sync, dialect, bits);

    private void LogCompared(int differing, int buckets, long nullKeys)
    {
        if (ByRowHash)
        {
            context.Log.RowHashBucketsCompared(context.Sync.Name, differing, buckets, nullKeys);
        }
        else
        {
            context.Log.BucketsCompared(context.Sync.Name, differing, buckets, nullKeys);
        }
    }

    private async Task<BucketSums> SumStateByRowHashAsync(int bits, CancellationToken cancellationToken)
    {
        var sums = new BucketSums(bits);
        if (context.Saved.Records.Buckets is { } store && await store.SumRowHashBucketsAsync(context.Saved.Records.Sync, bits, cancellationToken) is { } summed)
        {
            foreach (var bucket in summed)
            {
                sums.Set(bucket.Bucket, bucket.Rows, bucket.Sum, unknown: bucket.UnknownRowHashes > 0);
            }

            return sums;
        }

        await foreach (var record in stored(cancellationToken))
        {
            sums.AddByRowHash(record.State);
        }

        return sums;
    }
}
