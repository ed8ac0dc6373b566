using System.Net.Sockets;
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
