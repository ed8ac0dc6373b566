namespace ReverseEtl.Abstractions;

/// <summary>
/// What a warehouse offers so that <c>diff: warehouse</c> compares a model with the sync state bucket by bucket before
/// reading any key (Merkle-style): the bucket of a key and a part of each row's hash, as SQL expressions whose values
/// the worker computes alike from the state. A warehouse without it reads every key and row hash.
/// </summary>
/// <remarks>
/// The values must equal, bit for bit, what the worker computes: the bucket is the first <c>bits</c> bits (big-endian)
/// of the md5 of the key's text in UTF-8, and the row-hash part the first 60 bits (15 hex digits) of
/// <see cref="IWarehouseDialect.RowHash"/>. Sums of row-hash parts are taken by the warehouse as exact whole numbers
/// (DuckDB hugeint, PostgreSQL numeric, Snowflake number(38)).
/// </remarks>
public interface IWarehouseBuckets : IWarehouseDialect
{
    /// <summary>
    /// An SQL whole number from 0 to 2^<paramref name="bits"/> − 1 (1 to 32 bits): the first bits of the md5 of
    /// <paramref name="keyText"/> (an expression from <see cref="IWarehouseDialect.KeyText"/>); null when it is null.
    /// </summary>
    string KeyBucket(string keyText, int bits);

    /// <summary>An SQL whole number: the first 60 bits of <see cref="IWarehouseDialect.RowHash"/> of the row <paramref name="rowName"/> with <paramref name="salt"/>.</summary>
    string RowHashPart(string rowName, string salt);

    /// <summary>
    /// An SQL condition that holds when <paramref name="column"/> is of a type (text, whole number, date, uuid) whose
    /// <see cref="IWarehouseDialect.KeyText"/> is the key's text in the sync state; a key of another type is not bucketed.
    /// For a null it may hold or not (rows whose key is null are read whatever their bucket).
    /// </summary>
    string BucketableKey(string column);

    /// <summary>
    /// The most items one SQL <c>in (…)</c> list may hold; a longer list of buckets is split into lists joined by
    /// <c>or</c>, each repeating its expression (an md5 of every row's key, or its row's hash). Snowflake refuses more
    /// than 16,384 (error 001795): 10,000 unless a warehouse takes any length, where one list is computed once a row.
    /// </summary>
    int MaxListItems => 10_000;
}
