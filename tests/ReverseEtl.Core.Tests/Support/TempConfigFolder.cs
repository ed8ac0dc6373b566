using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>A throwaway root/config and root/data folder; disposing deletes the whole root.</summary>
internal sealed class TempConfigFolder : IDisposable
{
    public TempConfigFolder()
    {
        Root = Directory.CreateTempSubdirectory("retl-unit-").FullName;
        Config = Path.Combine(Root, "config");
        Directory.CreateDirectory(Config);
    }

    public string Root { get; }

    public string Config { get; }

    public RuntimePaths Paths => new(Config, Path.Combine(Root, "data"));

    /// <summary>Writes <paramref name="text"/> to a file under config/, creating its folders.</summary>
    public TempConfigFolder With(string relativePath, string text)
    {
        var path = Path.Combine(Config, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
