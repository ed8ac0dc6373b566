using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

// The two sides of the comparison, each on its own core: the one that fails first stops the other and its error is the
// comparison's, so that a state that cannot be read does not wait for the warehouse's whole query (on Snowflake, its
// time and credits), nor a failed query for the state's whole scan.
internal sealed partial class BucketCompare
{
    private async Task<((BucketSums Sums, IKeyBucketStore? Store) State, (long NullKeys, long Other) Model)> BothSidesAsync(
        int bits, CancellationToken cancellationToken)
    {
        using var stop = new SideStop(cancellationToken);
        var state = Task.Run(() => stop.RunAsync(() => SumStateAsync(bits, stop.Token)), stop.Token);
        var model = Task.Run(() => stop.RunAsync(() => TakeModelAsync(bits, state, stop.Token)), stop.Token);
        try
        {
            await Task.WhenAll(model, state);
        }
        catch when (!cancellationToken.IsCancellationRequested && stop.FirstFailure is { } first)
        {
            // Not the other side's error at being stopped (a warehouse may report its cancelled query as an error of its
            // own), whatever order Task.WhenAll gives their errors in (the order they came in, as it happens, on .NET 10).
            first.Throw();
        }

        return (await state, await model);
    }
}
