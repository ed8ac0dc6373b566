using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>deploy/kubernetes stays in step with config/: the ConfigMap holds every file as it is, the Secret every variable the config reads.</summary>
public sealed partial class DeployManifestTests
{
    private static readonly string Kubernetes = Path.Combine(RepositoryPaths.Root, "deploy", "kubernetes");

    [Fact]
    public void ConfigMap_HoldsEveryConfigFileUnderItsFlattenedPath()
    {
        var data = Mapping(Load("configmap.yaml"), "data");
        var files = Directory.EnumerateFiles(RepositoryPaths.Config, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(RepositoryPaths.Config, f).Replace(Path.DirectorySeparatorChar, '/').Replace("/", "__", StringComparison.Ordinal), File.ReadAllText);

        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), data.Children.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.True(f.Value.TrimEnd('\n') == data.Children[f.Key].ToString().TrimEnd('\n'), $"{f.Key} differs from config/: run deploy/kubernetes/make-configmap.sh"));
    }

    [Fact]
    public void Secret_NamesEveryVariableTheConfigReads()
    {
        var secret = Mapping(Load("secret.yaml"), "stringData").Children.Keys.Select(k => k.ToString()).ToHashSet(StringComparer.Ordinal);
        var read = Directory.EnumerateFiles(RepositoryPaths.Config, "*.yaml", SearchOption.AllDirectories)
            .SelectMany(f => Variable().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(v => !v.EndsWith("_API_BASE_URL", StringComparison.Ordinal) && v != "VAR").ToHashSet(StringComparer.Ordinal);

        Assert.Empty(read.Except(secret).Order(StringComparer.Ordinal));
        Assert.Contains("RETL_STATE_CONNECTION_STRING", secret);
    }

    [Theory]
    [InlineData("deployment.yaml", "run")]
    [InlineData("cronjob.yaml", "run --once")]
    public void Workloads_RunTheVerbWithTheSecretAndTheConfig(string file, string verb)
    {
        var text = File.ReadAllText(Path.Combine(Kubernetes, file));
        var root = Load(file);

        Assert.Contains($"args: [{string.Join(", ", verb.Split(' ').Select(a => $"\"{a}\""))}]", text, StringComparison.Ordinal);
        Assert.Contains("secretRef: { name: reverse-etl }", text, StringComparison.Ordinal);
        Assert.Contains("configMap: { name: reverse-etl-config }", text, StringComparison.Ordinal);
        Assert.Equal(file == "deployment.yaml" ? "Deployment" : "CronJob", root.Children[new YamlScalarNode("kind")].ToString());
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Kubernetes, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Mapping(YamlMappingNode root, string key) => (YamlMappingNode)root.Children[new YamlScalarNode(key)];

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]*)")]
    private static partial Regex Variable();
}
