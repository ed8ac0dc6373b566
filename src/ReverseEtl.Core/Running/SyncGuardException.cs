namespace ReverseEtl.Core.Running;

/// <summary>A guard rail stopped the run before it did something a user would not expect (e.g. a mass delete); the message says what and how to proceed.</summary>
public sealed class SyncGuardException : Exception
{
    public SyncGuardException() { }

    public SyncGuardException(string message) : base(message) { }

    public SyncGuardException(string message, Exception innerException) : base(message, innerException) { }
}
