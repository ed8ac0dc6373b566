using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ReverseEtl.IntegrationTests.Postgres;

/// <summary>
/// A throwaway PostgreSQL server for the test run: initdb into a temporary folder, started on a free loopback port with
/// trust authentication and fsync off, stopped and deleted at the end. The server binaries come from Debian's
/// postgresql package (/usr/lib/postgresql/N/bin) or RETL_TEST_PG_BIN. As root, the server runs as the postgres user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly bool AsRoot = Environment.UserName == "root";
    private string _folder = string.Empty;
    private int _databases;

    public int Port { get; private set; }

    private static string Bin => Environment.GetEnvironmentVariable("RETL_TEST_PG_BIN") is { Length: > 0 } bin ? bin
        : Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
              ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin; install Debian's postgresql package or set RETL_TEST_PG_BIN")
            : throw new InvalidOperationException("No /usr/lib/postgresql; install Debian's postgresql package or set RETL_TEST_PG_BIN");

    public async ValueTask InitializeAsync()
    {
        Port = FreePort();
        _folder = (await RunAsync("mktemp", "-d", Path.Combine(Path.GetTempPath(), "retl-pg-XXXXXX"))).Trim();
        await RunAsync(Path.Combine(Bin, "initdb"), "-D", Path.Combine(_folder, "data"), "-U", "retl", "--auth=trust", "-E", "UTF8", "--no-locale");
        var settings = $"-k {_folder} -p {Port} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
        await RunAsync(Path.Combine(Bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-o", settings, "-l", Path.Combine(_folder, "server.log"), "-w", "start");
    }

    /// <summary>Runs <paramref name="sql"/> (one or more statements) on the database of <paramref name="connectionString"/>.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A new, empty database (in <paramref name="encoding"/>, else the server's UTF8), and the connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string? encoding = null)
    {
        var name = $"retl_test_{Interlocked.Increment(ref _databases)}";
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}{(encoding is null ? "" : $" encoding '{encoding}' template template0")}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>
    /// Logs every statement run in the database of <paramref name="connectionString"/> (in sessions opened from now
    /// on) to the server's log, where <see cref="LoggedStatements"/> counts them.
    /// </summary>
    public async Task LogStatementsAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var alter = new NpgsqlCommand($"alter database {database} set log_statement = 'all'", admin);
        await alter.ExecuteNonQueryAsync();
    }

    /// <summary>How many statements the server has logged (as they started) that contain <paramref name="text"/>.</summary>
    public int LoggedStatements(string text) =>
        File.ReadLines(Path.Combine(_folder, "server.log")).Count(l => l.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_folder.Length > 0)
        {
            await RunAsync(Path.Combine(Bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
            await RunAsync("rm", "-rf", _folder);
        }
    }

    private string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=retl;Database={database};Pooling=true";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(AsRoot ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in AsRoot ? ["-u", "postgres", "--", program, .. args] : args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await error}");
    }
}

/// <summary>One PostgreSQL server for every test that needs one.</summary>
[CollectionDefinition(Name)]
public sealed class UsesPostgres : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
