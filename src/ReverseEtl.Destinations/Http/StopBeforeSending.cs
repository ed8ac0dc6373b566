namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A run's stop as the requests of a record see it while they wait for a permit of the pace: one still waiting when the
/// run stops is not sent (<see cref="NotSentException"/>), and its record waits for the next run. A request already
/// sent is never cancelled by a stop: it may have been applied.
/// </summary>
public static class StopBeforeSending
{
    private static readonly AsyncLocal<Box?> Current = new();

    /// <summary>The stop that requests made within the returned scope see while they wait for a permit.</summary>
    public static IDisposable While(CancellationToken stop)
    {
        var previous = Current.Value;
        Current.Value = new Box(stop);
        return new Scope(previous);
    }

    /// <summary>Whether <paramref name="exception"/> (or one inside it) says its request was not sent because the run stopped.</summary>
    public static bool NotSent(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is NotSentException)
            {
                return true;
            }
        }

        return false;
    }

    internal static CancellationToken Token => Current.Value?.Stop ?? CancellationToken.None;

    private sealed record Box(CancellationToken Stop);

    private sealed class Scope(Box? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>A request that waited for its permit when the run stopped, and was not sent.</summary>
public sealed class NotSentException : Exception
{
    public NotSentException()
        : base("the run is stopping: the request was not sent; it waits for the next run")
    {
    }

    public NotSentException(string message)
        : base(message)
    {
    }

    public NotSentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
