namespace ReverseEtl.IntegrationTests;

/// <summary>The repository's root and config folder (the vendor contracts are found by <see cref="Contracts"/>).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindUp(AppContext.BaseDirectory, d => File.Exists(Path.Combine(d, "ReverseEtl.sln")));

    public static string Config => Path.Combine(Root, "config");

    private static string FindUp(string start, Func<string, bool> found)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (found(dir.FullName))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Nothing matching was found above {start}.");
    }
}
