using System.Diagnostics;
using System.Security.Cryptography;

namespace ReverseEtl.IntegrationTests.Hosting;

// The data folder and the SQLite state: damaged, unwritable, missing, or not a folder at all.
public partial class BadInputTests
{
    private const string Syncs = """
        syncs:
          alerts: { model: accounts, destination: chat, mode: trigger, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
        """;

    [Theory]
    [InlineData("status")]
    [InlineData("plan")]
    [InlineData("run", "--once")]
    public async Task Worker_CorruptStateFile_OneLineNamingItAndWhatToDoExitOneFileUntouched(params string[] verb)
    {
        await using var project = WorkerProjects.DryRun(Syncs, accounts: 3);
        var state = Path.Combine(project.Paths.DataDirectory, "state.db");
        await File.WriteAllTextAsync(state, "not a database, but long enough to be read as one: " + new string('x', 4096), Cancel);
        var before = Snapshot(project.Paths.DataDirectory);

        var (code, lines) = await RunAsync(project, verb);

        Assert.Equal(1, code);
        Assert.Equal(
            [$"The state file {state} is damaged or is not a SQLite database (SQLite Error 26: 'file is not a database'.); it was left as it is. Move it aside (mv {state} {state}.broken) to start from empty state, which sends every record again, or restore it from a backup."],
            lines);
        Assert.Equal(before, Snapshot(project.Paths.DataDirectory));
    }

    [Fact]
    public async Task Status_StateFileOfAnotherProgram_OneLineSayingItCouldNotBeBroughtUpToDateNoTableAdded()
    {
        await using var project = WorkerProjects.DryRun(Syncs, accounts: 3);
        var state = Path.Combine(project.Paths.DataDirectory, "state.db");
        await SqlAsync(state, "create table sync_records (anything text)");

        var (code, lines) = await RunAsync(project, "status");

        Assert.Equal(1, code);
        Assert.Equal(
            [$"The state file {state} could not be opened or brought up to date (SQLite Error 1: 'table sync_records already exists'.); it was left as it is. If it is not this worker's state, move it aside or point RETL_DATA_DIR at another folder."],
            lines);
        Assert.Equal("sync_records", await SqlAsync(state, "select group_concat(name) from sqlite_master"));
    }

    private static async Task<object?> SqlAsync(string file, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=false");
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Cancel);
    }

    [Fact]
    public void Failures_UnexplainedException_OneInternalErrorLineAndTheStackTraceOnlyWhenVerbose()
    {
        var thrown = Assert.Throws<InvalidOperationException>(Throw);
        using var quiet = new StringWriter();
        using var loud = new StringWriter();

        ReverseEtl.Worker.Cli.Failures.Write(quiet, thrown, verbose: false);
        ReverseEtl.Worker.Cli.Failures.Write(loud, thrown, verbose: true);

        const string Line = "Internal error (InvalidOperationException: first line second line); please report it, with the output of the same command run with --verbose.";
        Assert.Equal([Line], Lines(quiet.ToString()));
        Assert.Equal(Line, Lines(loud.ToString())[0]);
        Assert.Contains(Lines(loud.ToString()), l => l.StartsWith("at ReverseEtl.IntegrationTests.Hosting.BadInputTests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Worker_Verbose_ShowsTheStackTraceUnderTheLine()
    {
        await using var project = WorkerProjects.DryRun(Syncs, accounts: 3);
        await File.WriteAllTextAsync(Path.Combine(project.Paths.DataDirectory, "state.db"), "not a database, but long enough to be read as one: " + new string('x', 4096), Cancel);

        var (quiet, plain) = await RunAsync(project, "status");
        var (loud, verbose) = await RunAsync(project, "status", "--verbose");

        Assert.Equal((1, 1), (quiet, loud));
        var line = Assert.Single(plain);
        Assert.Equal(line, verbose[0]);
        Assert.StartsWith("ReverseEtl.State.StateStoreException: ", verbose[1], StringComparison.Ordinal);
        Assert.Contains(verbose, l => l.StartsWith("   at ReverseEtl.State.SqlSyncStateStore.InitializeAsync", StringComparison.Ordinal));
        Assert.Contains(verbose, l => l.StartsWith(" ---> Microsoft.Data.Sqlite.SqliteException", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "status")]
    [InlineData(false, "run", "--once")]
    [InlineData(true, "status")]
    [InlineData(true, "plan")]
    [InlineData(true, "run", "--once")]
    public async Task Worker_ReadOnlyDataFolder_OneLineNamingTheStateFileExitOneNothingChanged(bool withState, params string[] verb)
    {
        await using var project = WorkerProjects.DryRun(Syncs, accounts: 3);
        if (withState)
        {
            Assert.Equal(0, (await RunAsync(project, "run", "--once")).Code); // and gone, with its SQLite files
        }

        var before = Snapshot(project.Paths.DataDirectory);
        await using var readOnly = await ReadOnlyFolder.MakeAsync(project.Paths.DataDirectory);

        var (code, lines) = await RunAsync(project, verb);

        var state = Path.Combine(project.Paths.DataDirectory, "state.db");
        if (!withState && verb[0] == "status")
        {
            Assert.Equal(0, code);
            Assert.Equal([$"No state yet: {state} does not exist, so no sync has run with this data folder (RETL_DATA_DIR). Nothing was created."], lines);
        }
        else
        {
            Assert.Equal(1, code);
            Assert.Equal(
                [$"Cannot open the state file {state} for writing (SQLite Error 14: 'unable to open database file'.): the folder {project.Paths.DataDirectory} and the file must be writable by this process. Fix their permissions, or point RETL_DATA_DIR at a writable folder."],
                lines);
        }

        Assert.Equal(before, Snapshot(project.Paths.DataDirectory));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sub/data")]
    public async Task Worker_DataFolderIsAFile_ExitsTwoNamingTheSettingAndTouchesNothing(string below)
    {
        await using var project = WorkerProjects.DryRun(Syncs, accounts: 3);
        var file = Path.Combine(project.Root, "not-a-folder");
        await File.WriteAllTextAsync(file, "keep me", Cancel);
        var setting = below.Length == 0 ? file : Path.Combine(file, below);

        var (code, lines) = await RunAsync(project, new Dictionary<string, string> { ["RETL_DATA_DIR"] = setting }, "run", "--once");

        Assert.Equal(2, code);
        var which = below.Length == 0 ? "is a file" : $"is under '{file}', which is a file";
        Assert.Equal([$"RETL_DATA_DIR='{setting}' {which}, not a folder; point it at a folder (it is created when missing)."], lines);
        Assert.Equal("keep me", await File.ReadAllTextAsync(file, Cancel));
    }

    [Fact]
    public async Task Status_NoDataFolder_SaysThereIsNoStateAndCreatesNothing()
    {
        await using var project = new TestProject().WithShippedConfig();
        Directory.Delete(project.Paths.DataDirectory);

        var (code, lines) = await RunAsync(project, "status");

        Assert.Equal(0, code);
        Assert.Equal([$"No state yet: {Path.Combine(project.Paths.DataDirectory, "state.db")} does not exist, so no sync has run with this data folder (RETL_DATA_DIR). Nothing was created."], lines);
        Assert.False(Directory.Exists(project.Paths.DataDirectory));
    }

    private static void Throw() => throw new InvalidOperationException("first line\nsecond line");

    // Every file under the folder with a hash of its bytes.
    private static List<string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{p} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}" : p).ToList();

    /// <summary>
    /// A folder this process cannot write to, until disposed: its mode without write bits, or for root (whom modes do not
    /// stop) the immutable attribute. Skips the test where neither takes effect.
    /// </summary>
    private sealed class ReadOnlyFolder(string folder, bool immutable) : IAsyncDisposable
    {
        public static async Task<ReadOnlyFolder> MakeAsync(string folder)
        {
            var root = Environment.UserName == "root";
            if (OperatingSystem.IsWindows())
            {
                Assert.Skip("the folder is made read-only the Unix way");
            }
            else if (!root)
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
            else if (!await ChattrAsync("+i", folder))
            {
                Assert.Skip("root ignores file modes, and chattr could not make the folder immutable here");
            }

            var made = new ReadOnlyFolder(folder, root);
            try
            {
                await File.WriteAllTextAsync(Path.Combine(folder, "probe"), "x", Cancel);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                return made;
            }

            File.Delete(Path.Combine(folder, "probe"));
            await made.DisposeAsync();
            Assert.Skip($"cannot make {folder} read-only for this process here");
            return made;
        }

        public async ValueTask DisposeAsync()
        {
            if (immutable)
            {
                await ChattrAsync("-i", folder);
            }
            else if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        private static async Task<bool> ChattrAsync(string flag, string folder)
        {
            try
            {
                using var chattr = Process.Start(new ProcessStartInfo("chattr", [flag, folder]) { RedirectStandardError = true })!;
                await chattr.WaitForExitAsync(Cancel);
                return chattr.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false; // not installed
            }
        }
    }
}
