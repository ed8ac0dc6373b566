namespace ReverseEtl.Core.Tests.Support;

/// <summary>What a scripted fake noted, in order; noted from any thread.</summary>
internal sealed class EventNotes
{
    private readonly List<string> _events = [];

    /// <summary>A copy of everything noted so far.</summary>
    public List<string> All
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Note(string what)
    {
        lock (_events)
        {
            _events.Add(what);
        }
    }
}
