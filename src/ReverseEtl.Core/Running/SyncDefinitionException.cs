namespace ReverseEtl.Core.Running;

/// <summary>A sync cannot run as defined (e.g. a mapped column the model does not return); the message names what to fix.</summary>
public sealed class SyncDefinitionException : Exception
{
    public SyncDefinitionException() { }

    public SyncDefinitionException(string message) : base(message) { }

    public SyncDefinitionException(string message, Exception innerException) : base(message, innerException) { }
}
