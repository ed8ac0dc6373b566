using Dapper;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.State.Sqlite;

/// <summary>Applies the embedded <c>Migrations/NNNN_*.sql</c> files in order, tracked by SQLite's <c>user_version</c>.</summary>
internal static class SqliteMigrator
{
    /// <summary>
    /// Brings the schema up to date in one write transaction (SQLite's <c>BEGIN IMMEDIATE</c>): processes that start at
    /// once on a new state file take turns, and each reads the version the one before left, so none repeats a migration.
    /// </summary>
    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.ExecuteScalarAsync<long>(new CommandDefinition("pragma user_version", transaction: transaction, cancellationToken: cancellationToken));
        foreach (var (name, version) in Pending(current))
        {
            await connection.ExecuteAsync(new CommandDefinition(await ReadAsync(name, cancellationToken), transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition($"pragma user_version = {version}", transaction: transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static IEnumerable<(string Name, int Version)> Pending(long current) => typeof(SqliteMigrator).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("sqlite.", StringComparison.Ordinal))
        .Select(n => (Name: n, Version: int.Parse(n.AsSpan(7, 4), provider: System.Globalization.CultureInfo.InvariantCulture)))
        .Where(m => m.Version > current)
        .OrderBy(m => m.Version);

    private static async Task<string> ReadAsync(string name, CancellationToken cancellationToken)
    {
        await using var stream = typeof(SqliteMigrator).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
