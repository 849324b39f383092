namespace SetHub.Grains.Streams;

/// <summary>
/// The activation lost its stream's log to a newer activation (a write was refused by its epoch) and is
/// deactivating. The call made nothing durable; calling again reaches the stream's current activation.
/// </summary>
[GenerateSerializer, Alias("SetHub.LogFencedException")]
public sealed class LogFencedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LogFencedException()
        : base("The stream moved to another activation; call again.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LogFencedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public LogFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
