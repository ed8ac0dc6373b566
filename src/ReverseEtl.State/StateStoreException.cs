namespace ReverseEtl.State;

/// <summary>
/// The state store could not be opened: a damaged or unwritable SQLite file, a PostgreSQL server that refuses the login
/// or does not answer. The message is one line naming where the state is (a path, or host, port, database and user,
/// never a password) and what to do; the state itself was left as it was.
/// </summary>
public sealed class StateStoreException : Exception
{
    public StateStoreException() { }

    public StateStoreException(string message) : base(message) { }

    public StateStoreException(string message, Exception innerException) : base(message, innerException) { }
}
