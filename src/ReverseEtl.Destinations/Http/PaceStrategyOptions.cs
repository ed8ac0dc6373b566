using Polly;

namespace ReverseEtl.Destinations.Http;

/// <summary>The options of <see cref="PaceStrategy"/>: only its name, for telemetry.</summary>
internal sealed class PaceStrategyOptions : ResilienceStrategyOptions
{
    public PaceStrategyOptions() => Name = "Pace";
}
