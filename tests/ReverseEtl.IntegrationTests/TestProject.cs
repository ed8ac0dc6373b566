using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Worker.Cli;
using ReverseEtl.Worker.Hosting;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// A throwaway config folder and data folder, with the worker's real host over them: its configuration is only this
/// project's variables (in memory, not the process environment), and its clock is the given one, if any.
/// </summary>
internal sealed class TestProject : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly TimeProvider? _time;
    private IHost? _host;

    public TestProject(TimeProvider? time = null)
    {
        _time = time;
        Root = Directory.CreateTempSubdirectory("retl-test-").FullName;
        Paths = new RuntimePaths(Path.Combine(Root, "config"), Path.Combine(Root, "data"));
        Directory.CreateDirectory(Paths.ConfigDirectory);
        Directory.CreateDirectory(Paths.DataDirectory);
        _environment["RETL_DATA_DIR"] = Paths.DataDirectory;
        _environment["RETL_CONFIG_DIR"] = Paths.ConfigDirectory;
    }

    public string Root { get; }

    public RuntimePaths Paths { get; }

    public ISyncStateStore State => Services.GetRequiredService<ISyncStateStore>();

    // Built on first use, so that variables set before then choose the state store, as the environment would.
    private IServiceProvider Services => (_host ??= Build()).Services;

    public TestProject WithFile(string relativePath, string text)
    {
        var path = Path.Combine(Paths.ConfigDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    /// <summary>Replaces every <paramref name="from"/> in a config file by <paramref name="to"/> (an edit by the ops team); the text must be there.</summary>
    public TestProject EditFile(string relativePath, string from, string to)
    {
        var path = Path.Combine(Paths.ConfigDirectory, relativePath);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
        return this;
    }

    /// <summary>Copies the shipped config/ folder in, leaving every credential unset so destinations write their dry-run outbox.</summary>
    /// <param name="initialSend">Every trigger sync's first run sends (<c>initial: send</c>), as play (a) does not ship.</param>
    public TestProject WithShippedConfig(bool initialSend = false)
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Config, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            WithFile(Path.GetRelativePath(RepositoryPaths.Config, file), initialSend ? SendingInitial(text) : text);
        }

        return this;
    }

    // Every trigger sync's first run sends, unlimited: the shipped plays' first requests, for tests that compare them.
    internal static string SendingInitial(string yaml) => yaml
        .Replace("initial: skip", "initial: send", StringComparison.Ordinal)
        .Replace("\n    limits: { messages: 1000 }\n", "\n", StringComparison.Ordinal)
        .Replace("\n    mode: trigger\n", "\n    mode: trigger\n    limits: { messages: none }\n", StringComparison.Ordinal);

    /// <summary>Sets a variable in this project's environment, which is all its definitions and command line see.</summary>
    public TestProject WithVariable(string name, string value)
    {
        _environment[name] = value;
        if (_host is not null)
        {
            _host.Services.GetRequiredService<IConfiguration>()[name] = value; // ${VAR} reads the configuration as it is now
        }

        return this;
    }

    /// <summary>Services a test adds to the project's host (e.g. an in-memory telemetry exporter), before it is built.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>A service of the project's host.</summary>
    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The command line writes for a person at a terminal (tables), not for a script.</summary>
    public bool Terminal { get; set; }

    /// <summary>Where an interactive terminal's live progress goes (with <see cref="Terminal"/>); null for none.</summary>
    public StringWriter? Live { get; set; }

    /// <summary>Runs the worker's command line in-process over this project's folders, with only the given environment.</summary>
    public async Task<CliResult> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var live = Live is null ? null : Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.Yes, Interactive = Spectre.Console.InteractionSupport.Yes, Out = new Spectre.Console.AnsiConsoleOutput(Live),
        });
        if (live is not null)
        {
            live.Profile.Width = 250; // room for a whole progress line
        }

        var exit = await ReverseEtlCommandLine.InvokeAsync(args, new CliContext(output, error) { IsTerminal = Terminal, Live = live }, Configure);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    private IHost Build()
    {
        var builder = ReverseEtlHost.CreateBuilder(Configure);
        if (_time is not null)
        {
            builder.Services.AddSingleton(_time);
        }

        ConfigureServices?.Invoke(builder.Services);

        return builder.Build();
    }

    private void Configure(IConfigurationBuilder configuration)
    {
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(_environment.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
    }

    public DefinitionLoadResult Load() => Services.GetRequiredService<DefinitionLoader>().Load(Paths);

    public IReadOnlyList<string> Errors() => Load().Errors.Select(e => e.ToString()).ToList();

    public void Sql(string databaseFile, string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(Paths.DataDirectory, databaseFile)}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async Task<SyncRunReport> RunAsync(string sync, CancellationToken stop = default)
    {
        await using var runtime = Runtime();
        return await RunAsync(runtime, sync, stop);
    }

    /// <summary>Runs <paramref name="sync"/> on <paramref name="runtime"/>, as a long-running worker runs its syncs on one runtime.</summary>
    public async Task<SyncRunReport> RunAsync(ProjectRuntime runtime, string sync, CancellationToken stop = default)
    {
        await State.InitializeAsync(CancellationToken.None);
        return await Services.GetRequiredService<SyncRunner>().RunAsync(runtime, runtime.Project.Syncs[sync], stop);
    }

    /// <summary>The project's runtime (its warehouses and destinations), as the worker's host keeps it; dispose it when done.</summary>
    public ProjectRuntime Runtime()
    {
        var project = Load();
        Assert.Empty(project.Errors);
        return new ProjectRuntime(project.Project!, Services.GetRequiredService<ConnectorCatalog>());
    }

    /// <summary>The writer a run of <paramref name="sync"/> would use, for tests that hand it records directly; dispose the runtime when done.</summary>
    public (ProjectRuntime Runtime, ISyncWriter Writer) Writer(string sync)
    {
        var project = Load();
        Assert.Empty(project.Errors);
        var runtime = new ProjectRuntime(project.Project!, Services.GetRequiredService<ConnectorCatalog>());
        var definition = project.Project!.Syncs[sync];
        return (runtime, runtime.Destination(definition.Destination).CreateWriter(definition.Settings));
    }

    /// <summary>The requests a destination wrote to its dry-run outbox, in order, without their timestamps.</summary>
    public List<string> OutboxRequests(string outbox) =>
        File.ReadLines(Path.Combine(Paths.OutboxDirectory, $"{outbox}.jsonl"))
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Select(o => { o.Remove("at"); return o.ToJsonString(); })
            .ToList();

    public async ValueTask DisposeAsync()
    {
        _host?.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>What a command line invocation returned and printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);
