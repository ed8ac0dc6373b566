using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.State;
using ReverseEtl.Worker.Cli;

namespace ReverseEtl.IntegrationTests;

/// <summary>A throwaway config folder and data folder, with the worker's real services over them.</summary>
internal sealed class TestProject : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public TestProject()
    {
        Root = Directory.CreateTempSubdirectory("retl-test-").FullName;
        Paths = new RuntimePaths(Path.Combine(Root, "config"), Path.Combine(Root, "data"));
        Directory.CreateDirectory(Paths.ConfigDirectory);
        Directory.CreateDirectory(Paths.DataDirectory);
        _services = Verbs.Services(Paths);
    }

    public string Root { get; }

    public RuntimePaths Paths { get; }

    public ISyncStateStore State => _services.GetRequiredService<ISyncStateStore>();

    public TestProject WithFile(string relativePath, string text)
    {
        var path = Path.Combine(Paths.ConfigDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    public DefinitionLoadResult Load() => _services.GetRequiredService<DefinitionLoader>().Load(Paths);

    public IReadOnlyList<string> Errors() => Load().Errors.Select(e => e.ToString()).ToList();

    public void Sql(string databaseFile, string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(Paths.DataDirectory, databaseFile)}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async Task<SyncRunReport> RunAsync(string sync)
    {
        var project = Load();
        Assert.Empty(project.Errors);
        await State.InitializeAsync(CancellationToken.None);
        var runtime = new ProjectRuntime(project.Project!, _services.GetRequiredService<ConnectorCatalog>());
        return await _services.GetRequiredService<SyncRunner>().RunAsync(runtime, project.Project!.Syncs[sync], CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
