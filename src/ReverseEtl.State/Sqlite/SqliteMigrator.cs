using Dapper;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.State.Sqlite;

/// <summary>Applies the embedded <c>Migrations/NNNN_*.sql</c> files in order, tracked by SQLite's <c>user_version</c>.</summary>
internal static class SqliteMigrator
{
    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var current = await connection.ExecuteScalarAsync<long>("pragma user_version");
        var assembly = typeof(SqliteMigrator).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("sqlite.", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: int.Parse(n.AsSpan(7, 4), provider: System.Globalization.CultureInfo.InvariantCulture)))
            .Where(m => m.Version > current)
            .OrderBy(m => m.Version);
        foreach (var (name, version) in migrations)
        {
            await using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var sql = await reader.ReadToEndAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition($"pragma user_version = {version}", transaction: transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
