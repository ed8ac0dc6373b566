using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State.Postgres;

// PostgreSQL keeps no key buckets yet: diff: warehouse hashes each stored key in the worker, as before.
public sealed partial class PostgresSyncStateStore
{
    /// <summary>
    /// Always null: the caller hashes each stored key itself. A column of key buckets here would need either a generated
    /// column, which rewrites and locks <c>sync_records</c> for as long as the upgrade takes and uses PostgreSQL's
    /// <c>md5()</c> (refused on a FIPS server, so every write would fail), or buckets computed by the worker and a backfill
    /// in batches; not built yet.
    /// </summary>
    public override Task<IReadOnlyList<KeyBucketSum>?> SumKeyBucketsAsync(string sync, int bits, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<KeyBucketSum>?>(null);

    protected override (string Column, string Value) KeyBucketInsert => ("", "");
}
