namespace ReverseEtl.Worker.Hosting;

/// <summary>The worker's port could not be opened (it is in use): a setting to change, said in one line.</summary>
public sealed class WorkerPortException(string message, Exception inner) : Exception(message, inner);
