using System.Net;
using System.Net.Sockets;
using Dapper;
using Npgsql;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A PostgreSQL state store that refuses the login or does not answer: one line naming host, port, database and user
/// (never the password), exit 1, with the worker as its own process.
/// </summary>
[Collection(UsesPostgres.Name)]
public class PostgresStateErrorTests(PostgresServer server)
{
    private const string Password = "s3cret-Zoë-🎉";

    [Theory]
    [InlineData("status")]
    [InlineData("run", "--once", "--verbose")]
    public async Task Worker_WrongPassword_OneLineNamingWhereAndWhoNeverThePassword(params string[] verb)
    {
        var (database, user) = await PasswordUserAsync();
        await using var project = WorkerProjects.DryRun("syncs: {}", accounts: 1);
        var wrong = new NpgsqlConnectionStringBuilder(database) { Username = user, Password = Password + "-wrong" };

        await using var worker = new WorkerProcess(project, new Dictionary<string, string> { ["RETL_STATE_CONNECTION_STRING"] = wrong.ConnectionString }, verb);
        var code = await worker.ExitCodeAsync(TimeSpan.FromSeconds(60));
        await worker.KillAsync();

        Assert.Equal(1, code);
        Assert.Equal(
            $"The PostgreSQL state store refused the login (host 127.0.0.1, port {server.Port}, database {wrong.Database}, user {user}): password authentication failed for user \"{user}\". Check the user and password in RETL_STATE_CONNECTION_STRING.",
            worker.Text.First());
        Assert.Equal(verb.Contains("--verbose"), worker.Text.Any(l => l.StartsWith("   at ", StringComparison.Ordinal)));
        Assert.DoesNotContain(worker.Text.Concat(worker.Logs.Select(l => l.ToJsonString())), l => l.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_ServerNotListening_OneLineSayingItDoesNotAnswer()
    {
        await using var project = WorkerProjects.DryRun("syncs: {}", accounts: 1);
        var closed = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = ClosedPort(), Database = "state", Username = "retl", Password = Password, Timeout = 5 };

        var status = await project.WithVariable("RETL_STATE_CONNECTION_STRING", closed.ConnectionString).CliAsync("status");

        Assert.Equal(1, status.ExitCode);
        Assert.StartsWith($"The PostgreSQL state store does not answer (host 127.0.0.1, port {closed.Port}, database state, user retl): ", status.Error, StringComparison.Ordinal);
        Assert.EndsWith(". Check that the server is up and reachable, and Host and Port in RETL_STATE_CONNECTION_STRING.", status.Error.TrimEnd(), StringComparison.Ordinal);
        Assert.Single(status.Error.Trim().Split('\n'));
        Assert.DoesNotContain(Password, status.Error, StringComparison.Ordinal);
    }

    // A database, and a login role of its own that must give its password (the server trusts every other role).
    private async Task<(string Database, string User)> PasswordUserAsync()
    {
        var database = await server.CreateDatabaseAsync();
        var user = $"retl_pw_{Guid.NewGuid():N}"[..20];
        await using var admin = new NpgsqlConnection(database);
        await admin.ExecuteAsync($"create role {user} login password '{Password}'");
        var hba = await admin.ExecuteScalarAsync<string>("show hba_file");
        await File.WriteAllTextAsync(hba!, $"host all {user} 127.0.0.1/32 scram-sha-256\n" + await File.ReadAllTextAsync(hba!));
        await admin.ExecuteAsync("select pg_reload_conf()");
        await WaitForPasswordCheckAsync(database, user);
        return (database, user);
    }

    // The server reads its configuration again in the background: wait until a wrong password is refused.
    private static async Task WaitForPasswordCheckAsync(string database, string user)
    {
        var wrong = new NpgsqlConnectionStringBuilder(database) { Username = user, Password = "wrong", Pooling = false }.ConnectionString;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(wrong);
                await connection.OpenAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == "28P01")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the server did not start asking {user} for a password");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // free again once the listener stops
    }
}
