namespace ReverseEtl.Abstractions.State;

/// <summary>The name a process records with each run it starts, when it is not given one (<c>RETL_INSTANCE_ID</c>).</summary>
public static class ProcessInstance
{
    /// <summary>The host name and process id.</summary>
    public static string Default => $"{Environment.MachineName}-{Environment.ProcessId}";
}
