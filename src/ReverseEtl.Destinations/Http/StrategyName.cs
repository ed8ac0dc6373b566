using Polly;

namespace ReverseEtl.Destinations.Http;

/// <summary>The options of the pipeline's own strategies: only their name, for telemetry.</summary>
internal sealed class StrategyName : ResilienceStrategyOptions
{
    public StrategyName(string name) => Name = name;
}
