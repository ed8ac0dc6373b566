using Dapper;
using ReverseEtl.State;
using ReverseEtl.State.Postgres;

namespace ReverseEtl.IntegrationTests.State;

// A state database must give keys back in their UTF-8 order, which the diff merges by. In WIN1252 a stored '€' key
// sorted after 'ü' (by that encoding's bytes): the merge took it for removed and for added in one run. In LATIN1 a key
// outside it could not be stored after its record was sent; in SQL_ASCII, nor a key outside ASCII (the JSON carrying a
// batch of records fails). Such a database is refused at start, before anything is written.
public sealed partial class PostgresStateStoreTests
{
    [Theory]
    [InlineData("WIN1252")]
    [InlineData("LATIN1")]
    [InlineData("SQL_ASCII")]
    public async Task Initialize_DatabaseNotInUtf8_RefusedNamingItsEncodingAndTheFixNothingCreated(string encoding)
    {
        _database = await server.CreateDatabaseAsync(encoding);
        var store = (PostgresSyncStateStore)OpenAgain();

        var error = await Assert.ThrowsAsync<StateStoreException>(() => store.InitializeAsync(CancellationToken.None));

        Assert.StartsWith($"The PostgreSQL state store's database is encoded in {encoding} (host 127.0.0.1, port {server.Port}, database retl_test_", error.Message, StringComparison.Ordinal);
        Assert.Contains("Create a database with ENCODING 'UTF8'", error.Message, StringComparison.Ordinal);
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("select count(*) from pg_tables where schemaname = 'public'"));
    }
}
