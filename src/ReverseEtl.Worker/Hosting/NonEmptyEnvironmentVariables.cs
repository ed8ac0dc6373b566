using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace ReverseEtl.Worker.Hosting;

/// <summary>The process environment as configuration, where a variable set to an empty string counts as unset.</summary>
internal sealed class NonEmptyEnvironmentVariables : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider();

    private sealed class Provider : EnvironmentVariablesConfigurationProvider
    {
        public override void Load()
        {
            base.Load();
            foreach (var empty in Data.Where(d => string.IsNullOrEmpty(d.Value)).Select(d => d.Key).ToList())
            {
                Data.Remove(empty);
            }
        }
    }
}
