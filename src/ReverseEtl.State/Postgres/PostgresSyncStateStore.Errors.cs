using System.Data.Common;
using System.Net.Sockets;
using Dapper;
using Npgsql;

namespace ReverseEtl.State.Postgres;

// What a failure to reach the state database means for the person who runs the worker; never the password.
public sealed partial class PostgresSyncStateStore
{
    private const string AuthenticationFailed = "28P01", InvalidAuthorization = "28000", NoSuchDatabase = "3D000";

    protected override string? Explain(Exception exception) => exception switch
    {
        PostgresException { SqlState: AuthenticationFailed or InvalidAuthorization } ex =>
            $"The PostgreSQL state store refused the login ({Server}): {ex.MessageText}. Check the user and password in RETL_STATE_CONNECTION_STRING.",
        PostgresException { SqlState: NoSuchDatabase } ex =>
            $"The PostgreSQL state store has no such database ({Server}): {ex.MessageText}. Create it, or fix Database in RETL_STATE_CONNECTION_STRING.",
        PostgresException ex =>
            $"The PostgreSQL state store could not be prepared ({Server}): {ex.SqlState}: {ex.MessageText}. Check that the user may create tables in its schema.",
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } or NpgsqlException { IsTransient: true } =>
            $"The PostgreSQL state store does not answer ({Server}): {FirstLine(exception.Message)}. Check that the server is up and reachable, and Host and Port in RETL_STATE_CONNECTION_STRING.",
        NpgsqlException =>
            $"Cannot use the PostgreSQL state store ({Server}): {FirstLine(exception.Message)}. Check RETL_STATE_CONNECTION_STRING.",
        _ => null,
    };

    /// <summary>
    /// Refuses a database whose encoding cannot hold every key as its UTF-8 and give keys back in their UTF-8 order
    /// (<see cref="Abstractions.State.KeyOrder"/>, which the diff merges by): in WIN1252 or LATIN9 a key with '€' sorted
    /// by that encoding's bytes, so the merge took a stored key for removed and the same key for added, and in LATIN1 a key
    /// outside it fails to be stored once its record was sent; in SQL_ASCII a key outside ASCII fails in the JSON that
    /// carries a batch of records ("conversion between UTF8 and SQL_ASCII is not supported").
    /// </summary>
    private async Task RequireUtf8Async(DbConnection connection)
    {
        var encoding = await connection.ExecuteScalarAsync<string>("select current_setting('server_encoding')");
        if (encoding != "UTF8")
        {
            throw new StateStoreException(
                $"The PostgreSQL state store's database is encoded in {encoding} ({Server}): it must be UTF8, since keys are stored and read in their UTF-8 order. " +
                "Create a database with ENCODING 'UTF8' (createdb --encoding=UTF8 --template=template0 NEW); to keep the state, copy it there " +
                "(pg_dump OLD | psql NEW: PostgreSQL converts the text); then set Database in RETL_STATE_CONNECTION_STRING.");
        }
    }

    // Where the state is, as an operator would look for it: host, port, database and user; the password stays out.
    private string Server
    {
        get
        {
            var where = new NpgsqlConnectionStringBuilder(_connectionString);
            return $"host {where.Host}, port {where.Port}, database {where.Database ?? where.Username}, user {where.Username}";
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();
}
